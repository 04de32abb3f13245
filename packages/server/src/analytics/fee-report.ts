// The fee revenue and volume reports: the platform's (every tenant's facts, under the operator's system
// context) and one tenant's (in its own transaction). The figures come from analytics/fees.ts.
import type { Ctx } from '../context.ts';
import { withSystem } from '../db/tenant.ts';
import { ApiError } from '../http/errors.ts';
import { requirePlatformScope } from '../scope/actor.ts';
import { inTenant, type TenantScope } from '../scope/tenant.ts';
import { type FeeFigures, feeFigures, feeFiguresByTenant } from './fees.ts';
import { type FactRange, type FeeDifferenceRow, feeDifferences, feeFacts } from './fees-repo.ts';
import { addMonths, monthOf, monthStart, monthsSpanned } from './months.ts';

/** The longest range one report covers, in months. */
export const MAX_REPORT_MONTHS = 36;
/** The months a report covers when the caller names no `from`. */
const DEFAULT_MONTHS = 12;

export interface ReportQuery {
  from?: string;
  to?: string;
  currency?: string;
}

export interface MonthRange {
  from: string;
  to: string;
  currency?: string;
}

export interface FeeReport extends MonthRange {
  figures: FeeFigures[];
  /** with `byTenant`: each tenant's figures (those with a fact in the range), by tenant id */
  tenants?: Map<string, FeeFigures[]>;
  asOf: Date;
}

/**
 * The months asked for (`YYYY-MM`, both included): `to` defaults to the month in progress, `from` to the
 * eleven months before `to`. Refuses a `from` after `to` and a range longer than MAX_REPORT_MONTHS.
 */
export function monthRange(q: ReportQuery, now: Date): MonthRange {
  const to = q.to ?? monthOf(now);
  const from = q.from ?? addMonths(to, 1 - DEFAULT_MONTHS);
  const span = monthsSpanned(from, to);
  if (span < 1)
    throw new ApiError('analytics_range_invalid', `from (${from}) is after to (${to}).`, { param: 'from' });
  if (span > MAX_REPORT_MONTHS)
    throw new ApiError(
      'analytics_range_too_long',
      `A report covers at most ${MAX_REPORT_MONTHS} months; ${from} to ${to} is ${span}.`,
      { param: 'from' },
    );
  return { from, to, ...(q.currency ? { currency: q.currency } : {}) };
}

function factRange(range: MonthRange, tenantId?: string): FactRange {
  return {
    from: monthStart(range.from),
    to: monthStart(addMonths(range.to, 1)),
    ...(tenantId ? { tenantId } : {}),
    ...(range.currency ? { currency: range.currency } : {}),
  };
}

/**
 * The platform's fee revenue, GMV and take rate: every tenant's payments together, and with `byTenant`
 * each tenant's part.
 */
export async function platformFeeReport(
  ctx: Ctx,
  q: ReportQuery & { byTenant?: boolean },
): Promise<FeeReport> {
  requirePlatformScope(ctx.actor, 'analytics:read');
  const asOf = new Date();
  const range = monthRange(q, asOf);
  const facts = await withSystem(ctx.db, 'operator.analytics', (tx) => feeFacts(tx, factRange(range)));
  const figures = feeFigures(facts, range);
  return { ...range, figures, asOf, ...(q.byTenant ? { tenants: feeFiguresByTenant(facts, range) } : {}) };
}

/** One tenant's volume, refunds, disputes and the fees it paid the platform. */
export async function tenantFeeReport(scope: TenantScope, q: ReportQuery): Promise<FeeReport> {
  const asOf = new Date();
  const range = monthRange(q, asOf);
  const facts = await inTenant(scope, 'analytics:read', (tx) =>
    feeFacts(tx, factRange(range, scope.tenantId)),
  );
  return { ...range, figures: feeFigures(facts, range), asOf };
}

/** The most differences one answer lists. */
export const MAX_FEE_DIFFERENCES = 1_000;

/**
 * Tenants' payments of the months whose application fee as Stripe booked it differs from the fee schedule's
 * (reconciliation's starting point): oldest first, at most MAX_FEE_DIFFERENCES.
 */
export async function platformFeeDifferences(
  ctx: Ctx,
  q: ReportQuery,
): Promise<MonthRange & { rows: FeeDifferenceRow[]; hasMore: boolean; asOf: Date }> {
  requirePlatformScope(ctx.actor, 'analytics:read');
  const asOf = new Date();
  const range = monthRange(q, asOf);
  const rows = await withSystem(ctx.db, 'operator.analytics', (tx) =>
    feeDifferences(tx, factRange(range), MAX_FEE_DIFFERENCES),
  );
  return {
    ...range,
    rows: rows.slice(0, MAX_FEE_DIFFERENCES),
    hasMore: rows.length > MAX_FEE_DIFFERENCES,
    asOf,
  };
}
