// The snapshots' SQL (docs/analytics.md, "Snapshots"), for both audiences like repo.ts: a tenant's tables (its
// row-level security, and its id in every query) and the platform's (the system role's only).
import { type SQL, sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.ts';
import { history, type Scope } from './repo.ts';
import type { MrrChange, PeriodSummary, PeriodUnit } from './types.ts';

function tables(scope: Scope) {
  if (scope.kind === 'tenant')
    return {
      snapshots: sql.raw('mrr_snapshots'),
      states: sql.raw('mrr_snapshot_states'),
      changes: sql.raw('mrr_changes'),
      markers: sql.raw('analytics_restate_from'),
      mine: sql`tenant_id = ${scope.tenantId}::uuid`,
      ownerColumn: sql.raw('tenant_id, '),
      ownerValue: sql`${scope.tenantId}::uuid, `,
      stateKey: sql.raw('tenant_id'),
    };
  return {
    snapshots: sql.raw('platform_mrr_snapshots'),
    states: sql.raw('platform_mrr_snapshot_states'),
    changes: sql.raw('platform_mrr_changes'),
    markers: sql.raw('platform_analytics_restate_from'),
    mine: sql`true`,
    ownerColumn: sql.raw(''),
    ownerValue: sql``,
    stateKey: sql.raw('scope'),
  };
}

const iso = (d: Date) => d.toISOString();
const date = (v: string | Date) => new Date(v);

/** Holds the scope's snapshots until the transaction ends: one computation at a time per scope. */
export async function lockSnapshots(tx: Tx, scope: Scope): Promise<void> {
  const key = `mrr-snapshot:${scope.kind === 'tenant' ? scope.tenantId : 'platform'}`;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}

/**
 * Takes the scope's restate marker: deletes it in the caller's transaction and returns it (null: none). A
 * capture moving the marker meanwhile waits for the row until this transaction ends, then inserts a new one,
 * so a change committed after the computation's reads always leaves a marker behind; a rollback restores it.
 */
export async function takeMarker(tx: Tx, scope: Scope): Promise<Date | null> {
  const t = tables(scope);
  const rows = await queryRows<{ at: string | Date }>(
    tx,
    sql`delete from ${t.markers} where ${t.mine} returning restate_from as at`,
  );
  return rows[0] ? date(rows[0].at) : null;
}

/** Whether a marker is pending (a read's cheap check before it takes the lock). */
export async function hasMarker(tx: Tx, scope: Scope): Promise<boolean> {
  const t = tables(scope);
  const rows = await queryRows<{ one: number }>(tx, sql`select 1 as one from ${t.markers} where ${t.mine}`);
  return rows.length > 0;
}

export interface SnapshotState {
  computedAt: Date;
  horizon: Date;
  /** the latest instant the history has seen happen (repo.ts latestObservedAt): the reports' clock */
  latestChangeAt: Date | null;
}

export async function readState(tx: Tx, scope: Scope): Promise<SnapshotState | null> {
  const t = tables(scope);
  const rows = await queryRows<{ computed_at: string; horizon: string; latest: string | null }>(
    tx,
    sql`select computed_at, horizon, latest_change_at as latest from ${t.states} where ${t.mine}`,
  );
  const r = rows[0];
  if (!r) return null;
  return {
    computedAt: date(r.computed_at),
    horizon: date(r.horizon),
    latestChangeAt: r.latest ? date(r.latest) : null,
  };
}

export async function writeState(tx: Tx, scope: Scope, s: SnapshotState): Promise<void> {
  const t = tables(scope);
  const key = scope.kind === 'tenant' ? sql`${scope.tenantId}::uuid` : sql`'platform'`;
  await tx.execute(sql`insert into ${t.states} (${t.stateKey}, computed_at, horizon, latest_change_at)
      values (${key}, ${iso(s.computedAt)}::timestamptz, ${iso(s.horizon)}::timestamptz,
        ${s.latestChangeAt ? iso(s.latestChangeAt) : null}::timestamptz)
      on conflict (${t.stateKey}) do update set computed_at = excluded.computed_at, horizon = excluded.horizon,
        latest_change_at = excluded.latest_change_at`);
}

/** The scope's first and latest change instants (null with no change). */
export async function changeBounds(tx: Tx, scope: Scope): Promise<{ first: Date; latest: Date } | null> {
  const t = tables(scope);
  const rows = await queryRows<{ first: string | null; latest: string | null }>(
    tx,
    sql`select min(at) as first, max(at) as latest from ${t.changes} where ${t.mine}`,
  );
  const r = rows[0];
  return r?.first && r.latest ? { first: date(r.first), latest: date(r.latest) } : null;
}

/** One subscription stream's state just before an instant: its MRR then, and whether it ever paid. */
export interface StreamState {
  currency: string;
  customer: string;
  subscription: string;
  mrr: number;
  paid: boolean;
}

/** Every stream of the scope with a change before `before`: its latest MRR, and whether it ever paid. */
export async function streamsBefore(tx: Tx, scope: Scope, before: Date): Promise<StreamState[]> {
  const t = tables(scope);
  const rows = await queryRows<{
    currency: string;
    customer: string;
    subscription: string;
    mrr: string | number;
    paid: boolean;
  }>(
    tx,
    sql`select currency, stripe_customer_id as customer, stripe_subscription_id as subscription,
          (array_agg(mrr order by at desc))[1] as mrr, bool_or(mrr > 0) as paid
        from ${t.changes} where ${t.mine} and at < ${iso(before)}::timestamptz
        group by currency, stripe_customer_id, stripe_subscription_id`,
  );
  return rows.map((r) => ({ ...r, mrr: Number(r.mrr) }));
}

/** The scope's change rows from `from` on (all without), in repo.history's order. */
export const changesFrom = (tx: Tx, scope: Scope, from: Date | null): Promise<MrrChange[]> =>
  history(tx, scope, undefined, from ?? undefined);

/** Deletes the scope's rows of `unit` from `from` on (all of them without). */
export async function deleteRows(tx: Tx, scope: Scope, unit: PeriodUnit, from: Date | null): Promise<void> {
  const t = tables(scope);
  await tx.execute(sql`delete from ${t.snapshots} where ${t.mine} and unit = ${unit}
      ${from ? sql`and period_start >= ${iso(from)}::timestamptz` : sql``}`);
}

const columns = sql.raw(`currency, unit, period_start, period_end, start_mrr, end_mrr, new_mrr,
  reactivation_mrr, expansion_mrr, contraction_mrr, churn_mrr, churn_voluntary_mrr, churn_involuntary_mrr,
  paying_at_start, paying_at_end, start_payers_end_mrr, churned_customers, churned_voluntary, churned_involuntary`);

/** Stores period summaries (in batches: a statement takes at most 65,535 parameters). */
export async function insertRows(
  tx: Tx,
  scope: Scope,
  unit: PeriodUnit,
  rows: readonly PeriodSummary[],
): Promise<void> {
  const t = tables(scope);
  for (let i = 0; i < rows.length; i += 1000) {
    const values: SQL[] = rows.slice(i, i + 1000).map((r) => {
      const m = r.movements;
      const c = r.churnedCustomers;
      return sql`(${t.ownerValue}${r.currency}, ${unit}, ${iso(r.start)}::timestamptz, ${iso(r.end)}::timestamptz,
        ${r.startMrr}, ${r.endMrr}, ${m.new}, ${m.reactivation}, ${m.expansion}, ${m.contraction}, ${m.churn},
        ${m.churnVoluntary}, ${m.churnInvoluntary}, ${r.payingAtStart}, ${r.payingAtEnd}, ${r.startPayersEndMrr},
        ${c.total}, ${c.voluntary}, ${c.involuntary})`;
    });
    await tx.execute(
      sql`insert into ${t.snapshots} (${t.ownerColumn}${columns}) values ${sql.join(values, sql`, `)}`,
    );
  }
}

interface SnapshotDbRow {
  currency: string;
  period_start: string | Date;
  period_end: string | Date;
  start_mrr: string | number;
  end_mrr: string | number;
  new_mrr: string | number;
  reactivation_mrr: string | number;
  expansion_mrr: string | number;
  contraction_mrr: string | number;
  churn_mrr: string | number;
  churn_voluntary_mrr: string | number;
  churn_involuntary_mrr: string | number;
  paying_at_start: number;
  paying_at_end: number;
  start_payers_end_mrr: string | number;
  churned_customers: number;
  churned_voluntary: number;
  churned_involuntary: number;
}

const toSummary = (r: SnapshotDbRow): PeriodSummary => ({
  currency: r.currency,
  start: date(r.period_start),
  end: date(r.period_end),
  startMrr: Number(r.start_mrr),
  endMrr: Number(r.end_mrr),
  movements: {
    new: Number(r.new_mrr),
    reactivation: Number(r.reactivation_mrr),
    expansion: Number(r.expansion_mrr),
    contraction: Number(r.contraction_mrr),
    churn: Number(r.churn_mrr),
    churnVoluntary: Number(r.churn_voluntary_mrr),
    churnInvoluntary: Number(r.churn_involuntary_mrr),
  },
  payingAtStart: Number(r.paying_at_start),
  payingAtEnd: Number(r.paying_at_end),
  startPayersEndMrr: Number(r.start_payers_end_mrr),
  churnedCustomers: {
    total: Number(r.churned_customers),
    voluntary: Number(r.churned_voluntary),
    involuntary: Number(r.churned_involuntary),
  },
});

const inCurrency = (currency: string | undefined) => (currency ? sql`and currency = ${currency}` : sql``);

/** The stored periods of `unit` starting in [from, to), by currency then time. */
export async function readRows(
  tx: Tx,
  scope: Scope,
  q: { unit: PeriodUnit; from: Date; to: Date; currency?: string },
): Promise<PeriodSummary[]> {
  const t = tables(scope);
  const rows = await queryRows<SnapshotDbRow>(
    tx,
    sql`select ${columns} from ${t.snapshots} where ${t.mine} and unit = ${q.unit}
        and period_start >= ${iso(q.from)}::timestamptz and period_start < ${iso(q.to)}::timestamptz
        ${inCurrency(q.currency)} order by currency, period_start`,
  );
  return rows.map(toSummary);
}

/** Each currency's last stored period of `unit` starting before `before`. */
export async function lastRowsBefore(
  tx: Tx,
  scope: Scope,
  q: { unit: PeriodUnit; before: Date; currency?: string },
): Promise<PeriodSummary[]> {
  const t = tables(scope);
  const rows = await queryRows<SnapshotDbRow>(
    tx,
    sql`select distinct on (currency) ${columns} from ${t.snapshots} where ${t.mine} and unit = ${q.unit}
        and period_start < ${iso(q.before)}::timestamptz ${inCurrency(q.currency)}
        order by currency, period_start desc`,
  );
  return rows.map(toSummary);
}

/** The tenants whose snapshots wait for the job (a marker is pending). */
export async function tenantsWithMarkers(tx: Tx): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`select tenant_id::text as id from analytics_restate_from order by restate_from`,
  );
  return rows.map((r) => r.id);
}

/**
 * An event of Stripe's time `at` was observed: the reports' clock (the state's latest instant seen) moves up
 * to it, even when the event changed no MRR (a renewal at the same price moves no restate marker).
 */
export async function noteObserved(tx: Tx, scope: Scope, at: Date): Promise<void> {
  const t = tables(scope);
  await tx.execute(sql`update ${t.states} set latest_change_at = ${iso(at)}::timestamptz
    where ${t.mine} and (latest_change_at is null or latest_change_at < ${iso(at)}::timestamptz)`);
}
