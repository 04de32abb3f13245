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

/** Whether a figure went up, down or stayed (a delta's arrow; its colour also says whether that is good). */
export type Trend = 'up' | 'down' | 'flat';

/** A change from last month to this one: its direction and its text ("+$100.00 (+16.67%)", "−2.50 pp"). */
export interface Delta {
  trend: Trend;
  text: string;
}

const trendOf = (n: number | bigint): Trend => (n > 0 ? 'up' : n < 0 ? 'down' : 'flat');

/** Hundredths as "+16.67" / "-2.50" / "0.00" (a sign for every change). */
function hundredthsText(h: bigint): string {
  const abs = h < 0n ? -h : h;
  const text = `${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
  return h > 0n ? `+${text}` : h < 0n ? `-${text}` : text;
}

/** n ÷ d as a percent in hundredths (n ÷ d × 10,000), halves away from zero, as the API rounds its ratios. */
function percentHundredths(n: bigint, d: bigint): bigint {
  const q = (2n * n * 10_000n) / d;
  return q >= 0n ? (q + 1n) / 2n : (q - 1n) / 2n;
}

/**
 * An amount's change: the difference in the currency and, when last month had some, the change in percent of
 * it. Null when either month has no figure.
 */
export function amountDelta(now: number | null, before: number | null, currency: string): Delta | null {
  if (now === null || before === null) return null;
  const diff = now - before;
  const money = `${diff > 0 ? '+' : ''}${formatMoney(diff, currency)}`;
  const percent =
    before === 0 ? '' : ` (${hundredthsText(percentHundredths(BigInt(diff), BigInt(Math.abs(before))))}%)`;
  return { trend: trendOf(diff), text: `${money}${percent}` };
}

/** A ratio's change in percentage points, from the percents the API rounded. Null when either has no value. */
export function pointsDelta(now: Ratio, before: Ratio): Delta | null {
  if (now === null || before === null) return null;
  const hundredths = (percent: string) => BigInt(Math.round(Number(percent) * 100));
  const diff = hundredths(now.percent) - hundredths(before.percent);
  return { trend: trendOf(diff), text: `${hundredthsText(diff)} pp` };
}

/** A month as the API names it (YYYY-MM, UTC), `back` months before the one holding `at`. */
export function monthOf(at: Date, back = 0): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - back, 1));
  return d.toISOString().slice(0, 7);
}
