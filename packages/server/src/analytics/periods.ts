// Period arithmetic in UTC.
import type { MrrChange, Period, PeriodUnit } from './types.ts';

const DAY = 86_400_000;

/** The start of the period (of `unit`) holding `at`. */
export function periodStart(at: Date, unit: PeriodUnit): Date {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  if (unit === 'month') return new Date(Date.UTC(y, m, 1));
  const day = Date.UTC(y, m, at.getUTCDate());
  if (unit === 'day') return new Date(day);
  const sinceMonday = (at.getUTCDay() + 6) % 7;
  return new Date(day - sinceMonday * DAY);
}

/** The start of the period after the one starting at `start`. */
export function nextPeriodStart(start: Date, unit: PeriodUnit): Date {
  if (unit === 'month') return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  return new Date(start.getTime() + (unit === 'day' ? DAY : 7 * DAY));
}

/**
 * The periods covering [from, to): the first starts at the start of the period holding `from`, the last ends
 * at `to` (a month in progress when `to` is now).
 */
export function periodsBetween(from: Date, to: Date, unit: PeriodUnit): Period[] {
  const periods: Period[] = [];
  for (let start = periodStart(from, unit); start < to; start = nextPeriodStart(start, unit)) {
    const next = nextPeriodStart(start, unit);
    periods.push({ start, end: next < to ? next : to });
  }
  return periods;
}

/**
 * The earliest period whose figures change when `inserted` changes join the history (a late webhook, a
 * backfill): a change only moves MRR from its own instant on, so every period before it stays as it was.
 * Null when nothing was inserted.
 */
export function earliestAffectedPeriod(inserted: readonly MrrChange[], unit: PeriodUnit): Date | null {
  let earliest: number | null = null;
  for (const c of inserted) if (earliest === null || c.at.getTime() < earliest) earliest = c.at.getTime();
  return earliest === null ? null : periodStart(new Date(earliest), unit);
}
