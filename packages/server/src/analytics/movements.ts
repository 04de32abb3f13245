// MRR movements per period and currency. Each customer event's change (after − before) goes to exactly one
// movement, so start + new + reactivation + expansion − contraction − churn = end holds by construction;
// checkLedger verifies stored rows against that identity.
import { periodsBetween } from './periods.ts';
import { customerEvents } from './timeline.ts';
import type {
  ChurnKind,
  CustomerEvent,
  LedgerRow,
  LedgerViolation,
  Movements,
  MrrChange,
  Period,
  PeriodSummary,
  PeriodUnit,
} from './types.ts';

export interface RangeOptions {
  from: Date;
  to: Date;
  unit?: PeriodUnit;
}

/** A period's movements before any: all 0. */
export const noMovements = (): Movements => ({
  new: 0,
  reactivation: 0,
  expansion: 0,
  contraction: 0,
  churn: 0,
  churnVoluntary: 0,
  churnInvoluntary: 0,
});

/** Adds one customer event to the period's movements. */
export function addMovement(m: Movements, e: CustomerEvent): void {
  const delta = e.after - e.before;
  if (e.kind === 'new') m.new += delta;
  else if (e.kind === 'reactivation') m.reactivation += delta;
  else if (e.kind === 'expansion') m.expansion += delta;
  else if (e.kind === 'contraction') m.contraction -= delta;
  else if (e.kind === 'churn') {
    m.churn -= delta;
    if (e.churnKind === 'involuntary') m.churnInvoluntary -= delta;
    else m.churnVoluntary -= delta;
  }
}

function summarise(
  currency: string,
  events: readonly CustomerEvent[],
  periods: readonly Period[],
): PeriodSummary[] {
  const mrr = new Map<string, number>();
  let total = 0;
  let i = 0;
  const apply = (e: CustomerEvent) => {
    total += e.after - e.before;
    if (e.after > 0) mrr.set(e.customer, e.after);
    else mrr.delete(e.customer);
  };
  const first = periods[0];
  for (; first && i < events.length && (events[i] as CustomerEvent).at < first.start; i++)
    apply(events[i] as CustomerEvent);
  return periods.map(({ start, end }) => {
    const startMrr = total;
    const startPayers = [...mrr.keys()];
    const movements = noMovements();
    const lastChurn = new Map<string, ChurnKind>();
    for (; i < events.length && (events[i] as CustomerEvent).at < end; i++) {
      const e = events[i] as CustomerEvent;
      apply(e);
      addMovement(movements, e);
      if (e.kind === 'churn') lastChurn.set(e.customer, e.churnKind ?? 'voluntary');
    }
    const churnedCustomers = { total: 0, voluntary: 0, involuntary: 0 };
    for (const [customer, kind] of lastChurn) {
      if (mrr.has(customer)) continue;
      churnedCustomers.total++;
      churnedCustomers[kind]++;
    }
    let startPayersEndMrr = 0;
    for (const c of startPayers) startPayersEndMrr += mrr.get(c) ?? 0;
    return {
      currency,
      start,
      end,
      startMrr,
      endMrr: total,
      movements,
      payingAtStart: startPayers.length,
      payingAtEnd: mrr.size,
      startPayersEndMrr,
      churnedCustomers,
    };
  });
}

/** The customer events of the history, by currency (currencies in alphabetical order). */
export function eventsByCurrency(changes: readonly MrrChange[]): Map<string, CustomerEvent[]> {
  const byCurrency = new Map<string, CustomerEvent[]>();
  for (const e of customerEvents(changes)) {
    const list = byCurrency.get(e.currency);
    if (list) list.push(e);
    else byCurrency.set(e.currency, [e]);
  }
  return new Map([...byCurrency].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Per currency in the history and per period of [from, to) (months by default): MRR at start and end, the
 * movements between, and the customer counts. Pass the whole history: MRR at the start needs every earlier
 * change, and "new" versus "reactivation" needs to know who ever paid.
 */
export function summarisePeriods(changes: readonly MrrChange[], options: RangeOptions): PeriodSummary[] {
  return summariseEvents(eventsByCurrency(changes), options);
}

/** summarisePeriods of the history's customer events (eventsByCurrency), for callers summarising them often. */
export function summariseEvents(
  byCurrency: ReadonlyMap<string, readonly CustomerEvent[]>,
  options: RangeOptions,
): PeriodSummary[] {
  const periods = periodsBetween(options.from, options.to, options.unit ?? 'month');
  return [...byCurrency].flatMap(([currency, events]) => summarise(currency, events, periods));
}

/** The ledger rows alone (what a snapshot stores and checkLedger verifies). */
export function computeLedger(changes: readonly MrrChange[], options: RangeOptions): LedgerRow[] {
  return summarisePeriods(changes, options).map(({ currency, start, end, startMrr, endMrr, movements }) => ({
    currency,
    start,
    end,
    startMrr,
    endMrr,
    movements: { ...movements },
  }));
}

/**
 * Every way the rows break the ledger: start + new + reactivation + expansion − contraction − churn ≠ end,
 * churn ≠ voluntary + involuntary, a negative amount or movement, or a period of a currency not starting with
 * the previous one's end MRR. Empty when the ledger adds up.
 */
export function checkLedger(rows: readonly LedgerRow[]): LedgerViolation[] {
  const violations: LedgerViolation[] = [];
  const previous = new Map<string, LedgerRow>();
  const ordered = [...rows].sort((a, b) => a.start.getTime() - b.start.getTime());
  for (const row of ordered) {
    const report = (problem: string) =>
      violations.push({ currency: row.currency, start: row.start, problem });
    const m = row.movements;
    const computed = row.startMrr + m.new + m.reactivation + m.expansion - m.contraction - m.churn;
    if (computed !== row.endMrr) report(`start and movements give ${computed}, end is ${row.endMrr}`);
    if (m.churn !== m.churnVoluntary + m.churnInvoluntary)
      report(`churn ${m.churn} is not voluntary ${m.churnVoluntary} + involuntary ${m.churnInvoluntary}`);
    const amounts = { startMrr: row.startMrr, endMrr: row.endMrr, ...m };
    for (const [name, value] of Object.entries(amounts))
      if (!Number.isSafeInteger(value) || value < 0) report(`${name} is ${value}, not an integer >= 0`);
    const before = previous.get(row.currency);
    if (before && before.end.getTime() === row.start.getTime() && before.endMrr !== row.startMrr)
      report(`starts at ${row.startMrr}, the previous period ended at ${before.endMrr}`);
    if (before && before.end > row.start) report('overlaps the previous period');
    previous.set(row.currency, row);
  }
  return violations;
}
