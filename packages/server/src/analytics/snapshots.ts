// Snapshots (docs/analytics.md, "Snapshots"): the engine's period summaries per currency, unit and period,
// materialised from the change rows, restated from the scope's marker on, and read back as the engine's own
// answer. Only the summaries are stored; ratios and LTV are derived from them by the engine's own code
// (ratios.ts, metricsOf), so a snapshot-backed answer is the whole-history computation's, figure for figure.
import type { Tx } from '../db/client.ts';
import { eventsByCurrency, noMovements, summariseEvents } from './movements.ts';
import { nextPeriodStart, periodStart, periodsBetween } from './periods.ts';
import { metricsOf } from './ratios.ts';
import { latestObservedAt, type Scope } from './repo.ts';
import * as snap from './snapshot-repo.ts';
import type { MrrChange, PeriodMetrics, PeriodSummary, PeriodUnit } from './types.ts';

export const snapshotUnits: readonly PeriodUnit[] = ['month', 'week', 'day'];

const earlier = (a: Date, b: Date) => (a < b ? a : b);
const later = (a: Date, b: Date) => (a > b ? a : b);

/**
 * Changes that put the engine in the state the streams were in just before `at`: each stream's MRR one
 * millisecond before, and, for a customer who paid once and pays no more, a payment and its end before that
 * (so a later payment is a reactivation, not new). Only the periods from `at` on may be computed from them.
 */
export function stateBefore(streams: readonly snap.StreamState[], at: Date): MrrChange[] {
  const paidOnce = new Set<string>();
  const paying = new Set<string>();
  const key = (s: snap.StreamState) => `${s.currency}\u0000${s.customer}`;
  for (const s of streams) {
    if (s.paid) paidOnce.add(key(s));
    if (s.mrr > 0) paying.add(key(s));
  }
  const twoBefore = new Date(at.getTime() - 2);
  const oneBefore = new Date(at.getTime() - 1);
  const changes: MrrChange[] = [];
  for (const k of paidOnce) {
    if (paying.has(k)) continue;
    const [currency, customer] = k.split('\u0000') as [string, string];
    // a subscription id no Stripe id can be (ids have no NUL): it never meets a real one
    const subscription = '\u0000paid';
    changes.push({ subscription, customer, currency, mrr: 1, at: twoBefore });
    changes.push({ subscription, customer, currency, mrr: 0, at: oneBefore });
  }
  for (const s of streams)
    changes.push({
      subscription: s.subscription,
      customer: s.customer,
      currency: s.currency,
      mrr: s.mrr,
      at: oneBefore,
    });
  return changes;
}

export interface RefreshResult {
  /** the instant the recomputation started from (null: nothing to do; a full build starts at the first change) */
  from: Date | null;
  full: boolean;
  rows: number;
  changes: number;
}

/**
 * Brings the scope's snapshots up to date with its change rows, in the caller's transaction: takes the marker
 * (see snapshot-repo.ts, takeMarker), then recomputes every period from the one holding the marker (or the
 * stored horizon, if earlier) to the one holding max(now, the latest change). Without a marker and with a
 * state, nothing is done. The engine's state at the start is loaded from the streams' latest rows before it.
 */
export async function refreshSnapshots(tx: Tx, scope: Scope, now = new Date()): Promise<RefreshResult> {
  await snap.lockSnapshots(tx, scope);
  const marker = await snap.takeMarker(tx, scope);
  const state = await snap.readState(tx, scope);
  if (!marker && state) return { from: null, full: false, rows: 0, changes: 0 };
  const bounds = await snap.changeBounds(tx, scope);
  if (!bounds) {
    for (const unit of snapshotUnits) await snap.deleteRows(tx, scope, unit, null);
    await snap.writeState(tx, scope, { computedAt: now, horizon: now, latestChangeAt: null });
    return { from: null, full: true, rows: 0, changes: 0 };
  }
  const horizon = later(now, bounds.latest);
  // restate from the marker, or from the stored horizon when the marker is later (the periods between were
  // never stored: they were quiet then); a restatement reaching the first change is a full build
  let from: Date | null = state && marker ? earlier(marker, state.horizon) : null;
  if (from && from <= bounds.first) from = null;
  const base = from ? earlier(periodStart(from, 'week'), periodStart(from, 'month')) : null;
  const input = base
    ? [
        ...stateBefore(await snap.streamsBefore(tx, scope, base), base),
        ...(await snap.changesFrom(tx, scope, base)),
      ]
    : await snap.changesFrom(tx, scope, null);
  // the history's customer events once, summarised for each unit
  const events = eventsByCurrency(input);
  const firstOf = new Map<string, number>();
  for (const c of input) if (!firstOf.has(c.currency)) firstOf.set(c.currency, c.at.getTime());
  let rows = 0;
  for (const unit of snapshotUnits) {
    const start = periodStart(from ?? bounds.first, unit);
    const end = nextPeriodStart(periodStart(horizon, unit), unit);
    // a currency's periods before its first change are all zero, and not stored (snapshotSummaries adds them)
    const summaries = summariseEvents(events, { from: start, to: end, unit }).filter(
      (s) => s.end.getTime() > (firstOf.get(s.currency) ?? 0),
    );
    await snap.deleteRows(tx, scope, unit, from ? start : null);
    await snap.insertRows(tx, scope, unit, summaries);
    rows += summaries.length;
  }
  // the reports' clock: the latest instant seen happen, never a change written ahead (a discount's end)
  const observed = await latestObservedAt(tx, scope);
  await snap.writeState(tx, scope, { computedAt: now, horizon, latestChangeAt: observed });
  return { from: from ?? bounds.first, full: from === null, rows, changes: input.length };
}

/** Refreshes the scope's snapshots first if a marker is pending (the read-refresh rule); its state then. */
export async function freshState(tx: Tx, scope: Scope): Promise<snap.SnapshotState | null> {
  if (await snap.hasMarker(tx, scope)) await refreshSnapshots(tx, scope);
  return snap.readState(tx, scope);
}

const zeroSummary = (currency: string, p: { start: Date; end: Date }): PeriodSummary => ({
  currency,
  start: p.start,
  end: p.end,
  startMrr: 0,
  endMrr: 0,
  movements: noMovements(),
  payingAtStart: 0,
  payingAtEnd: 0,
  startPayersEndMrr: 0,
  churnedCustomers: { total: 0, voluntary: 0, involuntary: 0 },
});

/** A period with no change after `previous`: its MRR and payers carried over. */
const quietAfter = (previous: PeriodSummary, p: { start: Date; end: Date }): PeriodSummary => ({
  ...zeroSummary(previous.currency, p),
  startMrr: previous.endMrr,
  endMrr: previous.endMrr,
  payingAtStart: previous.payingAtEnd,
  payingAtEnd: previous.payingAtEnd,
  startPayersEndMrr: previous.endMrr,
});

export interface SnapshotRange {
  from: Date;
  to: Date;
  unit?: PeriodUnit;
  currency?: string;
}

/** Whether a range ends on a period boundary of its unit (what snapshots can answer). */
export const endsOnBoundary = (range: SnapshotRange) =>
  periodStart(range.to, range.unit ?? 'month').getTime() === range.to.getTime();

/**
 * The period summaries of the range from the scope's snapshots (kept fresh by the caller: freshState), as
 * summarisePeriods gives them over the whole history: per currency with a change before `to`, alphabetical,
 * one per period. Periods before a currency's first change are zero; after the stored horizon, quiet.
 */
export async function snapshotSummaries(
  tx: Tx,
  scope: Scope,
  state: snap.SnapshotState | null,
  range: SnapshotRange,
): Promise<PeriodSummary[]> {
  if (!state) return [];
  const unit = range.unit ?? 'month';
  const periods = periodsBetween(range.from, range.to, unit);
  const first = periods[0];
  if (!first) return [];
  const q = {
    unit,
    from: first.start,
    to: range.to,
    ...(range.currency ? { currency: range.currency } : {}),
  };
  const stored = await snap.readRows(tx, scope, q);
  const storedEnd = nextPeriodStart(periodStart(state.horizon, unit), unit);
  const previous = new Map<string, PeriodSummary>();
  if (storedEnd < range.to)
    for (const r of await snap.lastRowsBefore(tx, scope, { ...q, before: first.start }))
      previous.set(r.currency, r);
  const byCurrency = new Map<string, Map<number, PeriodSummary>>();
  for (const r of stored) {
    const rows = byCurrency.get(r.currency) ?? new Map<number, PeriodSummary>();
    rows.set(r.start.getTime(), r);
    byCurrency.set(r.currency, rows);
  }
  const currencies = [...new Set([...byCurrency.keys(), ...previous.keys()])].sort();
  return currencies.flatMap((currency) => {
    const rows = byCurrency.get(currency);
    let last = previous.get(currency) ?? null;
    return periods.map((p) => {
      const row = rows?.get(p.start.getTime());
      const s = row
        ? { ...row, start: p.start, end: p.end }
        : last
          ? quietAfter(last, p)
          : zeroSummary(currency, p);
      last = s;
      return s;
    });
  });
}

/** The engine's metrics of the range, from the scope's snapshots. */
export async function snapshotMetrics(
  tx: Tx,
  scope: Scope,
  state: snap.SnapshotState | null,
  range: SnapshotRange,
): Promise<PeriodMetrics[]> {
  return metricsOf(await snapshotSummaries(tx, scope, state, range), { unit: range.unit ?? 'month' });
}
