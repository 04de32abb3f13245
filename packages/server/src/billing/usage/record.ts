import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { meterReports, usageEvents, usageSummaries } from '../../db/schema/index.ts';
import { toPublicId } from '../../http/ids.ts';
import { type BillingRow, billingOf, periodFor } from '../core.ts';
import { changedIn } from '../entitlements-cache.ts';
import { fireThresholds, type UsageChange } from './alerts.ts';
import {
  gaugeMetrics,
  meterEventName,
  type UsageDeps,
  type UsageEvent,
  type UsageOutcome,
} from './metrics.ts';
import { type Terms, termsOf } from './terms.ts';

// The usage transaction: a tenant's events stored once each (by id), its period summaries moved by one
// statement, thresholds crossed fired, and meter events owed to Stripe written. Runs in the tenant's
// row-level security (the caller's transaction).

/**
 * The period an event counts in: the one its time falls in; before the tenant's first period (it joined its
 * plan after the event), that first one; older than the previous period, none.
 */
function periodOf(row: BillingRow, at: Date): Date | null {
  const p = periodFor(row, at);
  if (p) return p;
  return !row.previousPeriodStart && at < row.periodStart ? row.periodStart : null;
}

interface Group extends UsageChange {
  delta: number;
  events: UsageEvent[];
}

/**
 * Counts `events` for `tenantId` in the caller's transaction (its tenant setting must be `tenantId`): one
 * insert of the events (a repeated id adds nothing), one upsert of the summaries they move (the row lock
 * orders concurrent transactions, so each sees the total before its own change), then alerts and meter
 * reports. Returns each event's outcome, in order.
 */
export async function recordUsageInTx(
  tx: Tx,
  deps: UsageDeps,
  tenantId: string,
  events: readonly UsageEvent[],
  now = new Date(),
): Promise<UsageOutcome[]> {
  const row = await billingOf(tx, tenantId, now);
  if (!row) return events.map(() => 'no_plan');
  const outcomes: UsageOutcome[] = [];
  const periods: (Date | null)[] = [];
  for (const e of events) {
    const p = periodOf(row, e.occurredAt);
    periods.push(p);
    outcomes.push(p ? 'duplicate' : 'outside_period');
  }
  const values = events.flatMap((e, i) => {
    const periodStart = periods[i];
    if (!periodStart) return [];
    return [
      {
        tenantId,
        id: e.id,
        metric: e.metric,
        quantity: e.quantity,
        occurredAt: e.occurredAt,
        periodStart,
        source: e.source,
      },
    ];
  });
  if (values.length === 0) return outcomes;
  const inserted = new Set(
    (await tx.insert(usageEvents).values(values).onConflictDoNothing().returning({ id: usageEvents.id })).map(
      (r) => r.id,
    ),
  );
  const groups = new Map<string, Group>();
  events.forEach((e, i) => {
    const periodStart = periods[i];
    // the first event of each inserted id counts; a repeat within the batch is a duplicate
    if (!periodStart || !inserted.delete(e.id)) return;
    outcomes[i] = 'recorded';
    const key = `${e.metric}\u0000${periodStart.toISOString()}`;
    let g = groups.get(key);
    if (!g) {
      g = { metric: e.metric, periodStart, delta: 0, before: 0, after: 0, events: [] };
      groups.set(key, g);
    }
    g.delta = gaugeMetrics.has(e.metric) ? e.quantity : capped(g.delta + e.quantity);
    g.events.push(e);
  });
  if (groups.size === 0) return outcomes;
  // one lock order for every transaction: concurrent batches of a tenant never deadlock
  const sorted = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
  await applyCounters(
    tx,
    tenantId,
    sorted.filter((g) => !gaugeMetrics.has(g.metric)),
  );
  for (const g of sorted.filter((g) => gaugeMetrics.has(g.metric))) await applyGauge(tx, tenantId, g);
  const terms = await termsOf(tx, row);
  if (terms) {
    await fireThresholds(tx, deps, row, terms, sorted);
    await writeMeterReports(tx, deps, row, terms, sorted);
  }
  return outcomes;
}

/**
 * A counter saturates at the largest safe integer (9 × 10^15, far past any real usage): a sum of reported
 * quantities beyond it would overflow Postgres's bigint or come back as a number the API cannot answer.
 */
const MAX_USED = Number.MAX_SAFE_INTEGER;
const capped = (n: number) => Math.max(-MAX_USED, Math.min(MAX_USED, n));

async function applyCounters(tx: Tx, tenantId: string, groups: Group[]): Promise<void> {
  if (groups.length === 0) return;
  changedIn(tx, tenantId);
  const rows = await tx
    .insert(usageSummaries)
    .values(groups.map((g) => ({ tenantId, metric: g.metric, periodStart: g.periodStart, used: g.delta })))
    .onConflictDoUpdate({
      target: [usageSummaries.tenantId, usageSummaries.metric, usageSummaries.periodStart],
      set: {
        used: sql`greatest(${-MAX_USED}::bigint, least(${MAX_USED}::bigint, ${usageSummaries.used} + excluded.used))`,
        updatedAt: sql`now()`,
      },
    })
    .returning({
      metric: usageSummaries.metric,
      periodStart: usageSummaries.periodStart,
      used: usageSummaries.used,
    });
  for (const g of groups) {
    const r = rows.find((x) => x.metric === g.metric && x.periodStart.getTime() === g.periodStart.getTime());
    g.after = r?.used ?? g.delta;
    g.before = g.after - g.delta;
  }
}

/** A gauge's new value (the latest event's), the one before read under the row's lock. */
async function applyGauge(tx: Tx, tenantId: string, g: Group): Promise<void> {
  changedIn(tx, tenantId);
  const [old] = await tx
    .select({ used: usageSummaries.used })
    .from(usageSummaries)
    .where(
      and(
        eq(usageSummaries.tenantId, tenantId),
        eq(usageSummaries.metric, g.metric),
        eq(usageSummaries.periodStart, g.periodStart),
      ),
    )
    .for('update');
  await tx
    .insert(usageSummaries)
    .values({ tenantId, metric: g.metric, periodStart: g.periodStart, used: g.delta })
    .onConflictDoUpdate({
      target: [usageSummaries.tenantId, usageSummaries.metric, usageSummaries.periodStart],
      set: { used: g.delta, updatedAt: sql`now()` },
    });
  g.before = old?.used ?? 0;
  g.after = g.delta;
}

/**
 * A meter event's `identifier`: our usage event's id, after its tenant's (Stripe's identifiers are unique per
 * account, ours per tenant; 36 + 1 + at most 63 characters, within Stripe's 100).
 */
export const meterIdentifier = (tenantId: string, eventId: string) =>
  `${toPublicId('tenant', tenantId)}:${eventId}`;

/**
 * Usage of a metric under a soft limit with an overage rate, for a tenant on a Stripe subscription: each
 * event is owed to Stripe's meter (whose graduated price is free up to the limit), sent by the
 * `billing-meter-report` job with our event's id as its `identifier`. A refund's negative payment volume is
 * sent as it is (Stripe's meters take negative values as corrections); a gauge (`seats`, a `last` meter)
 * sends its new value.
 */
async function writeMeterReports(tx: Tx, deps: UsageDeps, row: BillingRow, terms: Terms, groups: Group[]) {
  const customer = row.stripeCustomerId;
  if (!customer || !row.stripeSubscriptionId) return;
  const values = groups.flatMap((g) => {
    const limit = terms.limits.get(g.metric);
    if (limit?.enforcement !== 'soft' || !limit.overageUnitAmountDecimal) return [];
    const owed = gaugeMetrics.has(g.metric)
      ? g.events.slice(-1).map((e) => ({ e, value: g.after }))
      : g.events.filter((e) => e.quantity !== 0).map((e) => ({ e, value: e.quantity }));
    return owed.map(({ e, value }) => ({
      tenantId: row.tenantId,
      identifier: meterIdentifier(row.tenantId, e.id),
      eventName: meterEventName(g.metric),
      stripeCustomerId: customer,
      value,
      occurredAt: e.occurredAt,
    }));
  });
  if (values.length === 0) return;
  const made = await tx
    .insert(meterReports)
    .values(values)
    .onConflictDoNothing()
    .returning({ id: meterReports.id });
  if (made.length > 0)
    await deps.jobs.sendInTx(
      tx,
      'billing-meter-report',
      made.map((m) => ({ tenantId: row.tenantId, meterReportId: m.id })),
    );
}
