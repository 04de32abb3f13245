// Analytics' front door (docs/analytics.md): the capture other domains call in the transaction of their own
// sync, the backfill, and the history with its figures for a tenant and for the platform.
import type { Ctx } from '../context.ts';
import type { Tx } from '../db/client.ts';
import { asSystemInTx, withSystem } from '../db/tenant.ts';
import { requirePlatformScope } from '../scope/actor.ts';
import { inTenant, type TenantScope } from '../scope/tenant.ts';
import { type BackfilledSubscription, backfillSubscription } from './backfill.ts';
import { observe, refold } from './capture.ts';
import { checkLedger } from './movements.ts';
import { customerOf, isWholeSubscription } from './mrr.ts';
import { computeMetrics } from './ratios.ts';
import * as repo from './repo.ts';
import { endsOnBoundary, freshState, snapshotMetrics } from './snapshots.ts';
import type { LedgerViolation, MrrChange, PeriodMetrics, PeriodUnit } from './types.ts';

export type { MrrChange } from './types.ts';

/** A `customer.subscription.*` event as its handler has it. */
export interface SubscriptionEvent {
  /** the event's `data.object` (a summary or thin event may carry the id alone) */
  object: unknown;
  /** the subscription refetched from Stripe for this event, when it was */
  refetched: unknown;
  /** the event's `created` (seconds): when Stripe made the change, in a test clock's time */
  created: number;
  eventId: string;
}

/** A webhook handler's event (and the object it refetched) as the MRR history takes it. */
export function subscriptionEvent(ctx: {
  event: { id: string; created: number; data?: { object?: unknown } };
  object: unknown;
}): SubscriptionEvent {
  return {
    object: ctx.event.data?.object,
    refetched: ctx.object,
    created: ctx.event.created,
    eventId: ctx.event.id,
  };
}

/** The copy to record: the event's own when whole (its state then), else the one read since. */
function copyOf(e: SubscriptionEvent, subscription: string) {
  const current = isWholeSubscription(e.refetched) && e.refetched.id === subscription ? e.refetched : null;
  const own = isWholeSubscription(e.object) && e.object.id === subscription ? e.object : null;
  const copy = own ?? current;
  if (!copy) return null;
  return { copy, current, changedAt: new Date(e.created * 1000), eventId: e.eventId };
}

/**
 * A tenant's customer's subscription changed (its sync, in the same transaction): its MRR history follows.
 * `subscription` is the Stripe id the caller found to be the tenant's.
 */
export async function recordTenantSubscription(
  tx: Tx,
  tenantId: string,
  subscription: string,
  e: SubscriptionEvent,
): Promise<void> {
  const copy = copyOf(e, subscription);
  if (copy) await observe(tx, { kind: 'tenant', tenantId }, copy);
}

const platformScope = (tenantId: string | null): repo.Scope => ({ kind: 'platform', tenantId });

/**
 * The tenant's plan subscription changed (the plan sync, in the tenant's transaction): the platform's history
 * follows. `customer` is the tenant's billing customer: a subscription of anyone else's is not recorded.
 */
export async function recordPlanSubscription(
  tx: Tx,
  tenantId: string,
  customer: string,
  e: SubscriptionEvent,
): Promise<void> {
  const id = isWholeSubscription(e.refetched)
    ? e.refetched.id
    : isWholeSubscription(e.object)
      ? e.object.id
      : null;
  const copy = id ? copyOf(e, id) : null;
  if (!copy || customerOf(copy.copy) !== customer) return;
  await asSystemInTx(tx, 'analytics.platform_mrr', () => observe(tx, platformScope(tenantId), copy));
}

/** Dunning suspended the tenant's plan at `at` (Stripe's time): its MRR counts 0 from then (involuntary churn). */
export async function recordPlanSuspension(
  tx: Tx,
  s: { tenantId: string; caseId: string; subscription: string; customer: string; at: Date },
): Promise<void> {
  await asSystemInTx(tx, 'analytics.platform_mrr', async () => {
    const scope = platformScope(s.tenantId);
    await repo.lockSubscription(tx, scope, s.subscription);
    if (await repo.insertSuspension(tx, s)) await refold(tx, scope, s.subscription);
  });
}

/** The case's invoices were paid (or voided) at `at`: a plan it suspended counts again from then. */
export async function recordPlanRecovery(
  tx: Tx,
  r: { tenantId: string; caseId: string; at: Date },
): Promise<void> {
  await asSystemInTx(tx, 'analytics.platform_mrr', async () => {
    const subscription = await repo.endSuspension(tx, r.caseId, r.at);
    if (!subscription) return;
    const scope = platformScope(r.tenantId);
    await repo.lockSubscription(tx, scope, subscription);
    await refold(tx, scope, subscription);
  });
}

/** A tenant's customer's subscription as Stripe has it now (`now`: Stripe's time for it), into the history. */
export function backfillTenantSubscription(
  tx: Tx,
  tenantId: string,
  object: unknown,
  now: Date,
): Promise<boolean> {
  if (!isWholeSubscription(object)) return Promise.resolve(false);
  return backfillSubscription(tx, { kind: 'tenant', tenantId }, object as BackfilledSubscription, now);
}

/** One of the tenant's plan subscriptions (of its billing customer `customer`) as Stripe has it now. */
export async function backfillPlanSubscription(
  tx: Tx,
  tenantId: string,
  customer: string,
  object: unknown,
  now: Date,
): Promise<boolean> {
  if (!isWholeSubscription(object) || customerOf(object) !== customer) return false;
  return asSystemInTx(tx, 'analytics.platform_mrr', () =>
    backfillSubscription(tx, platformScope(tenantId), object as BackfilledSubscription, now),
  );
}

export interface ReportRange {
  from: Date;
  to: Date;
  unit?: PeriodUnit;
  currency?: string;
}

/** The figures of each period and currency, with the ledger's check and the instant they are as of. */
export interface MrrReport {
  asOf: Date;
  periods: PeriodMetrics[];
  violations: LedgerViolation[];
}

function report(history: MrrChange[], range: ReportRange, asOf: Date): MrrReport {
  const periods = computeMetrics(history, range).filter(
    (p) => !range.currency || p.currency === range.currency,
  );
  return { asOf, periods, violations: checkLedger(periods) };
}

/**
 * A report from the scope's snapshots, refreshed first when a marker is pending (docs/analytics.md,
 * "Snapshots"). `rangeOf` is given the report's clock: now, or the scope's latest change when that is later
 * (Stripe's time runs ahead of the wall's under test clocks). A range not ending on a period boundary (which
 * no route asks for) is computed over the history, as before snapshots.
 */
async function snapshotReport<R extends ReportRange>(
  tx: Tx,
  scope: repo.Scope,
  rangeOf: (clock: Date) => R,
): Promise<MrrReport & { range: R; clock: Date }> {
  const state = await freshState(tx, scope);
  const now = new Date();
  const latest = state?.latestChangeAt;
  const clock = latest && latest > now ? latest : now;
  const range = rangeOf(clock);
  if (!endsOnBoundary(range))
    return { ...report(await repo.history(tx, scope, range.to), range, now), range, clock };
  const periods = await snapshotMetrics(tx, scope, state, range);
  return { asOf: now, periods, violations: checkLedger(periods), range, clock };
}

/** The tenant's history (its customers' subscriptions), changes before `to`: what its reports read. */
export function tenantMrrHistory(scope: TenantScope, to?: Date): Promise<MrrChange[]> {
  return inTenant(scope, 'analytics:read', (tx) =>
    repo.history(tx, { kind: 'tenant', tenantId: scope.tenantId }, to),
  );
}

/** A tenant's MRR, movements and ratios per period of the range (from its snapshots). */
export async function tenantMrrReport(scope: TenantScope, range: ReportRange): Promise<MrrReport> {
  const { asOf, periods, violations } = await tenantMrrSeries(scope, () => range);
  return { asOf, periods, violations };
}

/** As tenantMrrReport, for a range that depends on the report's clock (the routes' default range). */
export function tenantMrrSeries<R extends ReportRange>(
  scope: TenantScope,
  rangeOf: (clock: Date) => R,
): Promise<MrrReport & { range: R; clock: Date }> {
  return inTenant(scope, 'analytics:read', (tx) =>
    snapshotReport(tx, { kind: 'tenant', tenantId: scope.tenantId }, rangeOf),
  );
}

/** The platform's MRR from its tenants' plans, movements and ratios per period of the range (snapshots). */
export async function platformMrrReport(ctx: Ctx, range: ReportRange): Promise<MrrReport> {
  const { asOf, periods, violations } = await platformMrrSeries(ctx, () => range);
  return { asOf, periods, violations };
}

/** As platformMrrReport, for a range that depends on the report's clock. */
export async function platformMrrSeries<R extends ReportRange>(
  ctx: Ctx,
  rangeOf: (clock: Date) => R,
): Promise<MrrReport & { range: R; clock: Date }> {
  requirePlatformScope(ctx.actor, 'analytics:read');
  return withSystem(ctx.db, 'operator.analytics', (tx) => snapshotReport(tx, platformScope(null), rangeOf));
}

/**
 * The reports as they were before snapshots: the scope's whole history loaded and folded by the engine on
 * every call. Kept as the reference the snapshot-backed answers are tested against, and the benchmark's
 * baseline.
 */
export function tenantMrrReportFromHistory(scope: TenantScope, range: ReportRange): Promise<MrrReport> {
  return inTenant(scope, 'analytics:read', async (tx) => {
    const asOf = new Date();
    return report(
      await repo.history(tx, { kind: 'tenant', tenantId: scope.tenantId }, range.to),
      range,
      asOf,
    );
  });
}

export async function platformMrrReportFromHistory(ctx: Ctx, range: ReportRange): Promise<MrrReport> {
  requirePlatformScope(ctx.actor, 'analytics:read');
  return withSystem(ctx.db, 'operator.analytics', async (tx) => {
    const asOf = new Date();
    return report(await repo.history(tx, platformScope(null), range.to), range, asOf);
  });
}

/** The platform's history (its tenants' plan subscriptions), changes before `to`: what its reports read. */
export async function platformMrrHistory(ctx: Ctx, to?: Date): Promise<MrrChange[]> {
  requirePlatformScope(ctx.actor, 'analytics:read');
  return withSystem(ctx.db, 'operator.analytics', (tx) => repo.history(tx, platformScope(null), to));
}

/**
 * The instant a report is as of: now, or the latest instant the history has seen happen when that is later
 * (Stripe's time runs ahead of the wall clock under test clocks), as the scope's snapshot state keeps it
 * (refreshed first if stale). A change written ahead (a discount's end) never moves it.
 */
export async function tenantReportTime(scope: TenantScope): Promise<Date> {
  const state = await inTenant(scope, 'analytics:read', (tx) =>
    freshState(tx, { kind: 'tenant', tenantId: scope.tenantId }),
  );
  return laterOf(state?.latestChangeAt ?? null);
}

/** The platform's report time, as `tenantReportTime`. */
export async function platformReportTime(ctx: Ctx): Promise<Date> {
  requirePlatformScope(ctx.actor, 'analytics:read');
  const state = await withSystem(ctx.db, 'operator.analytics', (tx) => freshState(tx, platformScope(null)));
  return laterOf(state?.latestChangeAt ?? null);
}

const laterOf = (latest: Date | null) => new Date(Math.max(Date.now(), latest?.getTime() ?? 0));
