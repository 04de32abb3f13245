import { and, desc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { planPrices, plans, tenantBilling, usageAlerts, usageSummaries } from '../../db/schema/index.ts';
import { tenantRowExists, withTenant } from '../../db/tenant.ts';
import { ApiError } from '../../http/errors.ts';
import { toPublicId } from '../../http/ids.ts';
import { callerId, requireScope } from '../../scope/actor.ts';
import type { TenantScope } from '../../scope/tenant.ts';
import { type BillingRow, billingOf } from '../core.ts';
import { isRestricted, withRestrictions } from '../dunning.ts';
import { entitlementsCacheOf } from '../entitlements-cache.ts';
import { toApiAlert } from './alerts.ts';
import { excludedMetric } from './payment-volume.ts';
import { seatCount } from './seats.ts';
import { fitsLimit, type Terms, termsWith, thresholdAt, thresholdsOf } from './terms.ts';

// What the platform's app asks on its hot paths: the tenant's plan, state, features and, per metric, the
// limit and the usage this period — read from the period's summary rows (primary key lookups), never a scan
// of events. The plan's limits are cached by its limits version (terms.ts).

const EXCLUDED_PREFIX = excludedMetric('');

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** Percent of the limit used, one decimal (42,000 of 250,000 → 16.8). */
export const percentOf = (used: number, limit: number) =>
  limit > 0 ? Math.round((used * 1000) / limit) / 10 : used > 0 ? 100 : 0;

async function usedThisPeriod(tx: Tx, row: BillingRow): Promise<Map<string, number>> {
  const rows = await tx
    .select({ metric: usageSummaries.metric, used: usageSummaries.used })
    .from(usageSummaries)
    .where(and(eq(usageSummaries.tenantId, row.tenantId), eq(usageSummaries.periodStart, row.periodStart)));
  return new Map(rows.map((r) => [r.metric, r.used]));
}

function metricView(
  row: BillingRow,
  terms: Terms,
  metric: string,
  used: number,
  excluded?: Record<string, number>,
) {
  const limit = terms.limits.get(metric);
  const thresholds = limit && limit.limit > 0 ? thresholdsOf(terms.plan) : [];
  return {
    limit: limit?.limit ?? null,
    used,
    remaining: limit ? Math.max(0, limit.limit - used) : null,
    percent: limit ? percentOf(used, limit.limit) : null,
    enforcement: limit?.enforcement ?? null,
    currency: limit?.currency || null,
    resets_at: seconds(row.periodEnd),
    thresholds: thresholds.map((t) => {
      const at = thresholdAt(limit!.limit, t);
      return { percent: t, at, reached: used >= at };
    }),
    // payment volume in currencies with no exchange rate to the plan's: not counted, shown apart
    ...(excluded && Object.keys(excluded).length > 0 ? { excluded } : {}),
  };
}

type MetricView = ReturnType<typeof metricView>;

const noPlan = (tenant: string) => ({
  object: 'entitlements' as const,
  tenant,
  plan: null,
  state: 'active' as const,
  interval: null,
  currency: null,
  period: null,
  features: {} as Record<string, boolean>,
  metrics: {} as Record<string, MetricView>,
  alerts: [] as ReturnType<typeof toApiAlert>[],
  pending_change: null,
});

interface AlertJson {
  id: string;
  metric: string;
  threshold: number;
  limit: number;
  used: number;
  created_at: string;
}

/**
 * The hot path in one statement: the tenant's billing row, its plan, the period's usage and its latest
 * alerts. Null when the row needs the slow path (none yet, or a free period to roll forward).
 */
async function readAtOnce(tx: Tx, tenantId: string) {
  const [r] = await tx
    .select({
      billing: tenantBilling,
      plan: plans,
      used: sql<Record<string, number>>`coalesce((select json_object_agg(s.metric, s.used)
        from usage_summaries s where s.tenant_id = ${tenantBilling.tenantId}
        and s.period_start = ${tenantBilling.periodStart}), '{}'::json)`,
      alerts: sql<AlertJson[]>`coalesce((select json_agg(a) from (select ua.id, ua.metric, ua.threshold,
        ua."limit", ua.used, ua.created_at from usage_alerts ua where ua.tenant_id = ${tenantBilling.tenantId}
        and ua.period_start = ${tenantBilling.periodStart} and ua.notified
        order by ua.created_at desc, ua.threshold desc limit 20) a), '[]'::json)`,
    })
    .from(tenantBilling)
    .innerJoin(plans, eq(plans.id, tenantBilling.planId))
    .where(eq(tenantBilling.tenantId, tenantId));
  if (!r || (!r.billing.stripeSubscriptionId && r.billing.periodEnd <= new Date())) return null;
  const alerts = r.alerts.map((a) => ({
    ...a,
    tenantId,
    periodStart: r.billing.periodStart,
    limitsVersion: r.billing.limitsVersion,
    notified: true,
    dismissedAt: null,
    createdAt: new Date(a.created_at),
  }));
  return { row: r.billing, plan: r.plan, used: new Map(Object.entries(r.used)), alerts };
}

async function readSlowly(tx: Tx, tenantId: string) {
  const row = await billingOf(tx, tenantId);
  if (!row) return null;
  const [plan] = await tx.select().from(plans).where(eq(plans.id, row.planId));
  if (!plan) return null;
  const used = await usedThisPeriod(tx, row);
  const alerts = await tx
    .select()
    .from(usageAlerts)
    .where(
      and(
        eq(usageAlerts.tenantId, row.tenantId),
        eq(usageAlerts.periodStart, row.periodStart),
        eq(usageAlerts.notified, true),
      ),
    )
    .orderBy(desc(usageAlerts.createdAt), desc(usageAlerts.threshold))
    .limit(20);
  return { row, plan, used, alerts };
}

/**
 * The tenant's billing as the entitlements read it. A billing row proves the tenant exists (it cascades with
 * it); without one the tenant is checked before anything is made for it (billingOf makes a row on the
 * default plan, which an unknown tenant must never get: a 404, not a foreign key's refusal).
 */
async function readOf(tx: Tx, scope: TenantScope) {
  const fast = await readAtOnce(tx, scope.tenantId);
  if (fast) return fast;
  if (!(await tenantRowExists(tx, scope.tenantId))) throw ApiError.notFound('tenant', scope.publicId);
  return readSlowly(tx, scope.tenantId);
}

type Entitlements = Awaited<ReturnType<typeof view>> | ReturnType<typeof noPlan>;

/**
 * When an answer stops being true by itself: a free plan's period rolls forward when read after its end; a
 * subscription's answer changes only when its renewal event writes the row (which announces it).
 */
const answerEnds = (row: BillingRow) =>
  row.stripeSubscriptionId ? Number.POSITIVE_INFINITY : row.periodEnd.getTime();

/**
 * The tenant's entitlements, from this process's cache when it holds them (entitlements-cache.ts), with
 * dunning's restrictions applied (billing/dunning.ts).
 */
export async function getEntitlements(scope: TenantScope) {
  return withRestrictions(await readEntitlements(scope), scope.config);
}

async function readEntitlements(scope: TenantScope): Promise<Entitlements> {
  requireScope(scope.access, 'billing:read');
  const cache = entitlementsCacheOf(scope.db);
  const cached = cache?.get(scope.tenantId) as Entitlements | undefined;
  if (cached) return cached;
  const mark = cache?.mark() ?? 0;
  const { answer, until } = await withTenant(
    scope.db,
    scope.tenantId,
    async (tx) => {
      const read = await readOf(tx, scope);
      return read
        ? { answer: await view(tx, scope, read), until: answerEnds(read.row) }
        : { answer: noPlan(scope.publicId), until: Number.POSITIVE_INFINITY };
    },
    { callerId: callerId(scope.actor) },
  );
  cache?.set(scope.tenantId, deepFreeze(answer), until, mark);
  return answer;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

async function view(
  tx: Tx,
  scope: TenantScope,
  { row, plan, used, alerts }: NonNullable<Awaited<ReturnType<typeof readSlowly>>>,
) {
  const terms = await termsWith(tx, row, plan);
  // a new period has no seat record until a member joins or leaves: the count now
  if (terms.limits.has('seats') && !used.has('seats')) used.set('seats', await seatCount(tx, row.tenantId));
  const excluded: Record<string, number> = {};
  for (const [metric, n] of used)
    if (metric.startsWith(EXCLUDED_PREFIX)) {
      excluded[metric.slice(EXCLUDED_PREFIX.length)] = n;
      used.delete(metric);
    }
  const metrics: Record<string, MetricView> = {};
  for (const metric of new Set([...terms.limits.keys(), ...used.keys()]).values())
    metrics[metric] = metricView(
      row,
      terms,
      metric,
      used.get(metric) ?? 0,
      metric === 'payment_volume' ? excluded : undefined,
    );
  return {
    object: 'entitlements' as const,
    tenant: scope.publicId,
    plan: {
      id: toPublicId('plan', terms.plan.id),
      lookup_key: terms.plan.lookupKey,
      name: terms.plan.name,
    },
    state: row.state,
    interval: row.interval ?? 'month',
    currency: row.currency,
    period: { start: seconds(row.periodStart), end: seconds(row.periodEnd) },
    features: terms.plan.features,
    metrics,
    alerts: alerts.map(toApiAlert),
    pending_change: await pendingChange(tx, row),
  };
}

/** The scheduled change the billing row names (a downgrade at the period's end), as the API shows it. */
async function pendingChange(tx: Tx, row: BillingRow) {
  if (!row.pendingPlanId || !row.pendingEffectiveAt) return null;
  const [p] = await tx
    .select({ id: plans.id, lookupKey: plans.lookupKey, name: plans.name, interval: planPrices.interval })
    .from(plans)
    .leftJoin(planPrices, eq(planPrices.id, sql`${row.pendingPlanPriceId ?? null}::uuid`))
    .where(eq(plans.id, row.pendingPlanId));
  if (!p) return null;
  return {
    plan: { id: toPublicId('plan', p.id), lookup_key: p.lookupKey, name: p.name },
    interval: p.interval ?? null,
    effective_at: seconds(row.pendingEffectiveAt),
  };
}

export type CheckInput = { metric: string; quantity: number } | { feature: string };

/** Stable reasons of an entitlement check. */
export type CheckReason =
  | 'no_plan'
  | 'suspended'
  | 'restricted'
  | 'feature_included'
  | 'feature_not_included'
  | 'unlimited'
  | 'within_limit'
  | 'overage'
  | 'limit_exceeded';

const own = <T>(record: Record<string, T>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

/** May the tenant use `quantity` more of a metric, or a feature? Answered from its entitlements. */
export async function checkEntitlement(scope: TenantScope, input: CheckInput) {
  const entitlements = await getEntitlements(scope);
  const answer = (allowed: boolean, reason: CheckReason, extra: Record<string, unknown> = {}) => ({
    object: 'entitlement_check' as const,
    tenant: scope.publicId,
    allowed,
    reason,
    ...('feature' in input ? { feature: input.feature } : { metric: input.metric, quantity: input.quantity }),
    limit: null as number | null,
    used: null as number | null,
    remaining: null as number | null,
    enforcement: null as string | null,
    ...extra,
  });
  if (!entitlements.plan) return answer(true, 'no_plan');
  if (entitlements.state === 'suspended') return answer(false, 'suspended');
  if ('feature' in input) {
    if (isRestricted(entitlements.state) && entitlements.restricted.includes(input.feature))
      return answer(false, 'restricted');
    const on = own(entitlements.features, input.feature) === true;
    return answer(on, on ? 'feature_included' : 'feature_not_included');
  }
  const metric = own(entitlements.metrics, input.metric);
  // seats: the memberships now, as the join path counts them (the recorded gauge may lag a change)
  const used =
    input.metric === 'seats'
      ? await withTenant(scope.db, scope.tenantId, (tx) => seatCount(tx, scope.tenantId))
      : (metric?.used ?? 0);
  if (!metric || metric.limit === null || metric.enforcement === null)
    return answer(true, 'unlimited', { used });
  const limit = { limit: metric.limit, enforcement: metric.enforcement };
  const figures = {
    limit: limit.limit,
    used,
    remaining: Math.max(0, limit.limit - used),
    enforcement: limit.enforcement,
  };
  if (used + input.quantity <= limit.limit) return answer(true, 'within_limit', figures);
  return fitsLimit(limit, used, input.quantity)
    ? answer(true, 'overage', figures)
    : answer(false, 'limit_exceeded', figures);
}
