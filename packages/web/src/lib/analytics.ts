import type { AnalyticsInterval, AnalyticsPeriod, MovementKind, Ratio } from '@/api/analytics';
import { formatMoney } from './money';

// How the analytics pages name and show the API's figures (docs/analytics.md).

/** A ratio as the API rounded it, "53.13%"; "—" when it has no value (its denominator is 0). */
export const percentText = (r: Ratio): string => (r === null ? '—' : `${r.percent}%`);

export const intervalLabels: Record<AnalyticsInterval, string> = { month: 'Month', week: 'Week', day: 'Day' };

const utc = (options: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', ...options });
const monthLong = utc({ month: 'long', year: 'numeric' });
const monthShort = utc({ month: 'short', year: '2-digit' });
const dayLong = utc({ dateStyle: 'medium' });
const dayShort = utc({ month: 'short', day: 'numeric' });

const periodDate = (period: string) => new Date(`${period.length === 7 ? `${period}-01` : period}T00:00:00Z`);

/** A period as the API names it (YYYY-MM, or a week's or day's first day) in words: "January 2026". */
export function periodText(period: string, interval: AnalyticsInterval): string {
  const at = periodDate(period);
  if (interval === 'month') return monthLong.format(at);
  return interval === 'week' ? `Week of ${dayLong.format(at)}` : dayLong.format(at);
}

/** The same, short enough for a chart's axis: "Jan 26", "Jan 5". */
export function periodTick(period: string, interval: AnalyticsInterval): string {
  const at = periodDate(period);
  return interval === 'month' ? monthShort.format(at) : dayShort.format(at);
}

/** Whether the period was still running when the figures were computed (they are as of then). */
export const inProgress = (p: AnalyticsPeriod, asOf: number): boolean => asOf < p.end;

export const movementKinds: readonly MovementKind[] = [
  'new',
  'reactivation',
  'expansion',
  'contraction',
  'churn',
];

export const movementLabels: Record<MovementKind, string> = {
  new: 'New',
  reactivation: 'Reactivation',
  expansion: 'Expansion',
  contraction: 'Contraction',
  churn: 'Churn',
};

/** Contraction and churn take MRR away: the ledger subtracts them. */
export const isLoss = (kind: MovementKind) => kind === 'contraction' || kind === 'churn';

/** A movement as the ledger counts it: contraction and churn subtracted ("-$400.00"), never "-$0.00". */
export const signed = (kind: MovementKind, amount: number, currency: string) =>
  formatMoney(isLoss(kind) && amount !== 0 ? -amount : amount, currency);

export const movementColors: Record<MovementKind, string> = {
  new: 'oklch(0.55 0.14 155)',
  reactivation: 'oklch(0.6 0.11 200)',
  expansion: 'oklch(0.51 0.2 277)',
  contraction: 'oklch(0.72 0.15 70)',
  churn: 'oklch(0.577 0.215 27)',
};

/** MRR at start + new + reactivation + expansion − contraction − churn, which the API says is MRR at end. */
export function ledgerEnd(p: AnalyticsPeriod): number {
  const m = p.movements;
  return p.mrr_start + m.new + m.reactivation + m.expansion - m.contraction - m.churn;
}
