// The MRR history's SQL, for both audiences: a tenant's tables (its row-level security, and its id in every
// query) and the platform's (the system role's only). The two hold rows of the same shape.
import { type SQL, sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.ts';
import type { ChangeRow, Observation, Suspension } from './fold.ts';
import type { ChurnKind, MrrChange } from './types.ts';

/** Whose history: a tenant's own customers', or the platform's plans (`tenantId`: the tenant billed, if known). */
export type Scope = { kind: 'tenant'; tenantId: string } | { kind: 'platform'; tenantId: string | null };

interface Tables {
  observations: SQL;
  changes: SQL;
  /** the column naming the tenant */
  owner: SQL;
  /** the rows of the scope */
  mine: SQL;
  /** the unique keys' leading columns */
  keyPrefix: SQL;
}

function tables(scope: Scope): Tables {
  if (scope.kind === 'tenant')
    return {
      observations: sql.raw('mrr_observations'),
      changes: sql.raw('mrr_changes'),
      owner: sql.raw('tenant_id'),
      mine: sql`tenant_id = ${scope.tenantId}::uuid`,
      keyPrefix: sql.raw('tenant_id, '),
    };
  return {
    observations: sql.raw('platform_mrr_observations'),
    changes: sql.raw('platform_mrr_changes'),
    owner: sql.raw('billed_tenant_id'),
    mine: sql`true`,
    keyPrefix: sql.raw(''),
  };
}

const iso = (d: Date) => d.toISOString();

/** Holds the subscription's history until the transaction ends: its fold sees every observation committed. */
export async function lockSubscription(tx: Tx, scope: Scope, subscription: string): Promise<void> {
  const key = `mrr:${scope.kind === 'tenant' ? scope.tenantId : 'platform'}:${subscription}`;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}

export interface NewObservation extends Observation {
  subscription: string;
  status: string;
  source: 'event' | 'backfill';
  eventId: string | null;
}

/**
 * Stores an observation; one of the same subscription, instant and rank is replaced only by an event's copy
 * that is the subscription's latest state (`prefer`), or when it came from a backfill. Whether it changed
 * anything.
 */
export async function insertObservation(
  tx: Tx,
  scope: Scope,
  o: NewObservation,
  prefer: boolean,
): Promise<boolean> {
  const t = tables(scope);
  const later = JSON.stringify(o.later.map((l) => ({ at: iso(l.at), mrr: l.mrr })));
  const replace =
    o.source === 'event'
      ? sql`do update set stripe_customer_id = excluded.stripe_customer_id, currency = excluded.currency,
            status = excluded.status, mrr = excluded.mrr, churn_kind = excluded.churn_kind, later = excluded.later,
            source = excluded.source, stripe_event_id = excluded.stripe_event_id
          where (${prefer} or o.source = 'backfill')
            -- the same event again (a replay) keeps its first copy: a copy valued with its customer's discount
            -- as read then is not valued again with the customer's discount of today (capture.ts)
            and o.stripe_event_id is distinct from excluded.stripe_event_id
            and (o.currency, o.status, o.mrr, o.churn_kind, o.later)
              is distinct from (excluded.currency, excluded.status, excluded.mrr, excluded.churn_kind, excluded.later)`
      : sql`do nothing`;
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`insert into ${t.observations} as o (${t.owner}, stripe_subscription_id, stripe_customer_id, currency, at,
          rank, status, mrr, churn_kind, later, source, stripe_event_id)
        values (${scope.tenantId}::uuid, ${o.subscription}, ${o.customer}, ${o.currency}, ${iso(o.at)}::timestamptz,
          ${o.rank}, ${o.status}, ${o.mrr}, ${o.churnKind}, ${later}::jsonb, ${o.source}, ${o.eventId})
        on conflict (${t.keyPrefix}stripe_subscription_id, at, rank) ${replace}
        returning id`,
  );
  return rows.length > 0;
}

interface ObservationRow {
  customer: string;
  currency: string;
  at: string | Date;
  rank: number;
  mrr: string | number;
  churn_kind: ChurnKind | null;
  later: { at: string; mrr: number }[];
  source: 'event' | 'backfill';
}

export async function observationsOf(
  tx: Tx,
  scope: Scope,
  subscription: string,
): Promise<(Observation & { source: 'event' | 'backfill' })[]> {
  const t = tables(scope);
  const rows = await queryRows<ObservationRow>(
    tx,
    sql`select stripe_customer_id as customer, currency, at, rank, mrr, churn_kind, later, source
        from ${t.observations} where ${t.mine} and stripe_subscription_id = ${subscription}
        order by at, rank`,
  );
  return rows.map((r) => ({
    at: new Date(r.at),
    rank: r.rank,
    customer: r.customer,
    currency: r.currency,
    mrr: Number(r.mrr),
    churnKind: r.churn_kind,
    later: r.later.map((l) => ({ at: new Date(l.at), mrr: l.mrr })),
    source: r.source,
  }));
}

/** The subscription's suspensions by dunning (platform plans only). */
export async function suspensionsOf(tx: Tx, subscription: string): Promise<Suspension[]> {
  const rows = await queryRows<{ suspended_at: string | Date; recovered_at: string | Date | null }>(
    tx,
    sql`select suspended_at, recovered_at from platform_mrr_suspensions
        where stripe_subscription_id = ${subscription} order by suspended_at`,
  );
  return rows.map((r) => ({
    from: new Date(r.suspended_at),
    until: r.recovered_at ? new Date(r.recovered_at) : null,
  }));
}

/** Records the suspension of a dunning case, once: whether it is new. */
export async function insertSuspension(
  tx: Tx,
  s: { caseId: string; tenantId: string; subscription: string; customer: string; at: Date },
): Promise<boolean> {
  const rows = await queryRows<{ case_id: string }>(
    tx,
    sql`insert into platform_mrr_suspensions (case_id, billed_tenant_id, stripe_subscription_id,
          stripe_customer_id, suspended_at)
        values (${s.caseId}::uuid, ${s.tenantId}::uuid, ${s.subscription}, ${s.customer}, ${iso(s.at)}::timestamptz)
        on conflict (case_id) do nothing returning case_id`,
  );
  return rows.length > 0;
}

/** Ends a case's suspension at `at`, once: the subscription it suspended, or null (never suspended). */
export async function endSuspension(tx: Tx, caseId: string, at: Date): Promise<string | null> {
  const rows = await queryRows<{ sub: string }>(
    tx,
    sql`update platform_mrr_suspensions set recovered_at = ${iso(at)}::timestamptz
        where case_id = ${caseId}::uuid and recovered_at is null
        returning stripe_subscription_id as sub`,
  );
  return rows[0]?.sub ?? null;
}

interface ChangeDbRow {
  id: string;
  customer: string;
  currency: string;
  mrr: string | number;
  at: string | Date;
  churn_kind: ChurnKind | null;
}

const keyOf = (r: { currency: string; at: Date }) => `${r.currency}\u0000${r.at.getTime()}`;

/**
 * Makes the subscription's stored change rows the `wanted` ones (inserting, updating, deleting only what
 * differs). Returns the earliest instant whose rows changed, or null when nothing did.
 */
export async function replaceChanges(
  tx: Tx,
  scope: Scope,
  subscription: string,
  wanted: readonly ChangeRow[],
): Promise<Date | null> {
  const t = tables(scope);
  const stored = await queryRows<ChangeDbRow>(
    tx,
    sql`select id, stripe_customer_id as customer, currency, mrr, at, churn_kind
        from ${t.changes} where ${t.mine} and stripe_subscription_id = ${subscription}`,
  );
  const have = new Map(stored.map((r) => [keyOf({ currency: r.currency, at: new Date(r.at) }), r]));
  let earliest: number | null = null;
  const touched = (at: Date) => {
    if (earliest === null || at.getTime() < earliest) earliest = at.getTime();
  };
  for (const w of wanted) {
    const old = have.get(keyOf(w));
    have.delete(keyOf(w));
    if (old && Number(old.mrr) === w.mrr && old.churn_kind === w.churnKind && old.customer === w.customer)
      continue;
    touched(w.at);
    if (old)
      await tx.execute(sql`update ${t.changes} set mrr = ${w.mrr}, churn_kind = ${w.churnKind},
          stripe_customer_id = ${w.customer} where id = ${old.id}::uuid`);
    else
      await tx.execute(sql`insert into ${t.changes} (${t.owner}, stripe_subscription_id, stripe_customer_id,
          currency, mrr, at, churn_kind)
        values (${scope.tenantId}::uuid, ${subscription}, ${w.customer}, ${w.currency}, ${w.mrr},
          ${iso(w.at)}::timestamptz, ${w.churnKind})`);
  }
  for (const gone of have.values()) {
    touched(new Date(gone.at));
    await tx.execute(sql`delete from ${t.changes} where id = ${gone.id}::uuid`);
  }
  return earliest === null ? null : new Date(earliest);
}

/** Moves the scope's "restate from" marker back to `at` (never forward: the snapshot job takes it). */
export async function markRestate(tx: Tx, scope: Scope, at: Date): Promise<void> {
  if (scope.kind === 'tenant')
    await tx.execute(sql`insert into analytics_restate_from (tenant_id, restate_from)
        values (${scope.tenantId}::uuid, ${iso(at)}::timestamptz)
        on conflict (tenant_id) do update set
          restate_from = least(analytics_restate_from.restate_from, excluded.restate_from), updated_at = now()`);
  else
    await tx.execute(sql`insert into platform_analytics_restate_from (scope, restate_from)
        values ('platform', ${iso(at)}::timestamptz)
        on conflict (scope) do update set
          restate_from = least(platform_analytics_restate_from.restate_from, excluded.restate_from),
          updated_at = now()`);
}

/** The scope's marker: the earliest instant changed since the snapshot job last took it (null: none). */
export async function restateFrom(tx: Tx, scope: Scope): Promise<Date | null> {
  const rows = await queryRows<{ at: string | Date }>(
    tx,
    scope.kind === 'tenant'
      ? sql`select restate_from as at from analytics_restate_from where tenant_id = ${scope.tenantId}::uuid`
      : sql`select restate_from as at from platform_analytics_restate_from where scope = 'platform'`,
  );
  return rows[0] ? new Date(rows[0].at) : null;
}

/**
 * The scope's change rows before `until` (all of them without), in time order — the engine's input. Rows of
 * one instant come in a fixed order; one subscription has at most one row per currency and instant.
 */
export async function history(tx: Tx, scope: Scope, until?: Date, from?: Date): Promise<MrrChange[]> {
  const t = tables(scope);
  const rows = await queryRows<ChangeDbRow & { subscription: string }>(
    tx,
    sql`select stripe_subscription_id as subscription, stripe_customer_id as customer, currency, mrr, at, churn_kind
        from ${t.changes} where ${t.mine} ${until ? sql`and at < ${iso(until)}::timestamptz` : sql``}
          ${from ? sql`and at >= ${iso(from)}::timestamptz` : sql``}
        order by at, stripe_subscription_id, currency`,
  );
  return rows.map((r) => ({
    subscription: r.subscription,
    customer: r.customer,
    currency: r.currency,
    mrr: Number(r.mrr),
    at: new Date(r.at),
    ...(r.churn_kind ? { churnKind: r.churn_kind } : {}),
  }));
}

/**
 * The latest instant the scope's history has seen happen: its latest observation (an event's copy, at
 * Stripe's time) or, for the platform, suspension. Not its latest change row: a discount's end is written
 * ahead, at the future instant it will take effect.
 */
export async function latestObservedAt(tx: Tx, scope: Scope): Promise<Date | null> {
  const t = tables(scope);
  const suspended =
    scope.kind === 'platform' ? sql`union all select max(suspended_at) from platform_mrr_suspensions` : sql``;
  const [row] = await queryRows<{ at: string | null }>(
    tx,
    sql`select max(at) as at from (select max(at) as at from ${t.observations} where ${t.mine} ${suspended}) x`,
  );
  return row?.at ? new Date(row.at) : null;
}
