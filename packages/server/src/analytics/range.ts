// The range of an analytics request: its interval and its first and last periods, as the caller wrote them
// (months as YYYY-MM, days and weeks as YYYY-MM-DD, both ends included), checked and turned into instants.
import { ApiError } from '../http/errors.ts';
import { nextPeriodStart, periodStart } from './periods.ts';
import type { ReportRange } from './report.ts';
import type { PeriodUnit } from './types.ts';

/** The most periods one request covers, per interval (3 years of months or weeks, 1 of days). */
export const maxPeriods: Record<PeriodUnit, number> = { month: 36, week: 157, day: 366 };
/** Periods covered when the caller names no start: the last 12 months, 12 weeks or 30 days. */
const defaultPeriods: Record<PeriodUnit, number> = { month: 12, week: 12, day: 30 };

export interface RangeQuery {
  interval?: PeriodUnit;
  from?: string;
  to?: string;
  currency?: string;
}

const monthPattern = /^(\d{4})-(\d{2})$/;
const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseBound(value: string, unit: PeriodUnit, param: 'from' | 'to' | 'period'): Date {
  const invalid = (why: string) => new ApiError('parameter_invalid', `Invalid ${param}: ${why}.`, { param });
  const month = unit === 'month' ? monthPattern.exec(value) : null;
  const day = unit === 'month' ? null : dayPattern.exec(value);
  if (!month && !day)
    throw invalid(unit === 'month' ? 'give a month as YYYY-MM' : 'give a date as YYYY-MM-DD');
  const [, y, m, d = '01'] = (month ?? day) as RegExpExecArray;
  const at = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (
    Number(y) < 2000 ||
    at.getUTCFullYear() !== Number(y) ||
    at.getUTCMonth() !== Number(m) - 1 ||
    at.getUTCDate() !== Number(d)
  )
    throw invalid(`${value} is not a date from the year 2000 on`);
  return periodStart(at, unit);
}

function advance(start: Date, unit: PeriodUnit, periods: number): Date {
  let at = start;
  for (let i = 0; i < periods; i++) at = nextPeriodStart(at, unit);
  return at;
}

function back(start: Date, unit: PeriodUnit, periods: number): Date {
  if (unit === 'month') return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - periods, 1));
  return new Date(start.getTime() - periods * (unit === 'day' ? 1 : 7) * 86_400_000);
}

/**
 * The instants of the query's range: `from` the first period's start, `to` the end of the last period. A
 * period still in progress at `now` shows its figures as of now (the history holds nothing later); a range
 * starting after the period in progress is refused.
 */
export function parseRange(query: RangeQuery, now: Date): ReportRange {
  const unit = query.interval ?? 'month';
  const current = periodStart(now, unit);
  const last = query.to === undefined ? current : parseBound(query.to, unit, 'to');
  const first =
    query.from === undefined
      ? back(last, unit, defaultPeriods[unit] - 1)
      : parseBound(query.from, unit, 'from');
  if (first > last)
    throw new ApiError('analytics_range_invalid', 'Invalid from: the range starts after it ends.', {
      param: 'from',
    });
  if (first > current)
    throw new ApiError('analytics_range_invalid', 'Invalid from: the range starts in the future.', {
      param: 'from',
    });
  const end = advance(last, unit, 1);
  if (end > advance(first, unit, maxPeriods[unit]))
    throw new ApiError(
      'analytics_range_too_long',
      `Invalid from: one request covers at most ${maxPeriods[unit]} ${unit}s; ask for the rest in another.`,
      { param: 'from' },
    );
  return {
    from: first,
    to: end,
    unit,
    ...(query.currency === undefined ? {} : { currency: query.currency.toLowerCase() }),
  };
}

/** The period named by `period` (YYYY-MM for months, YYYY-MM-DD for days and weeks), not after `now`'s. */
export function parsePeriod(value: string, unit: PeriodUnit, now: Date): { start: Date; end: Date } {
  const start = parseBound(value, unit, 'period');
  if (start > periodStart(now, unit))
    throw new ApiError('analytics_range_invalid', 'Invalid period: it is in the future.', {
      param: 'period',
    });
  return { start, end: nextPeriodStart(start, unit) };
}
