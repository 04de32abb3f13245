import { and, desc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import { accountHolderSql } from '../db/account-holder.ts';
import type { Tx } from '../db/client.ts';
import { type ConnectKind, connectAccounts, connectOauthStates, tenants } from '../db/schema/index.ts';
import { olderThan } from '../db/sync-guard.ts';

export type ConnectAccountRow = typeof connectAccounts.$inferSelect;
export type OauthStateRow = typeof connectOauthStates.$inferSelect;
export type AccountState = Pick<
  ConnectAccountRow,
  'chargesEnabled' | 'payoutsEnabled' | 'detailsSubmitted' | 'requirements' | 'capabilities' | 'livemode'
>;

/** The tenant's current connection (not disconnected), if any. */
export async function currentAccount(tx: Tx, tenantId: string): Promise<ConnectAccountRow | null> {
  const [row] = await tx
    .select()
    .from(connectAccounts)
    .where(and(eq(connectAccounts.tenantId, tenantId), isNull(connectAccounts.disconnectedAt)));
  return row ?? null;
}

/** The current connection, else the most recent one (a disconnected or deauthorized account). */
export async function latestAccount(tx: Tx, tenantId: string): Promise<ConnectAccountRow | null> {
  const [row] = await tx
    .select()
    .from(connectAccounts)
    .where(eq(connectAccounts.tenantId, tenantId))
    .orderBy(sql`${connectAccounts.disconnectedAt} IS NULL DESC`, desc(connectAccounts.connectedAt))
    .limit(1);
  return row ?? null;
}

/** Every account the tenant has had, current or disconnected, oldest first. */
export function accountsOf(tx: Tx, tenantId: string): Promise<ConnectAccountRow[]> {
  return tx
    .select()
    .from(connectAccounts)
    .where(eq(connectAccounts.tenantId, tenantId))
    .orderBy(connectAccounts.connectedAt);
}

export async function countAccounts(tx: Tx, tenantId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(connectAccounts)
    .where(eq(connectAccounts.tenantId, tenantId));
  return row?.n ?? 0;
}

/** Inserts the tenant's current connection; null when one already exists (a concurrent request won). */
export async function insertAccount(
  tx: Tx,
  values: {
    tenantId: string;
    stripeAccountId: string;
    kind: ConnectKind;
    source: 'created' | 'oauth';
    state: AccountState;
    syncedAt: Date;
  },
): Promise<ConnectAccountRow | null> {
  const [row] = await tx
    .insert(connectAccounts)
    .values({
      tenantId: values.tenantId,
      stripeAccountId: values.stripeAccountId,
      kind: values.kind,
      source: values.source,
      ...values.state,
      lastSyncedAt: values.syncedAt,
    })
    .onConflictDoNothing()
    .returning();
  return row ?? null;
}

/**
 * Applies a fetched account state behind the `last_synced_at` guard (CONVENTIONS.md): an older fetch never
 * overwrites a newer one. Returns the row when it changed.
 */
export async function applyState(
  tx: Tx,
  id: string,
  state: AccountState,
  syncedAt: Date,
  eventAt?: Date,
): Promise<ConnectAccountRow | null> {
  const [row] = await tx
    .update(connectAccounts)
    .set({
      ...state,
      lastSyncedAt: syncedAt,
      updatedAt: sql`now()`,
      ...(eventAt ? { lastEventAt: eventAt } : {}),
    })
    .where(and(eq(connectAccounts.id, id), olderThan(connectAccounts.lastSyncedAt, syncedAt)))
    .returning();
  return row ?? null;
}

export async function touchEvent(tx: Tx, id: string, at: Date): Promise<void> {
  await tx.update(connectAccounts).set({ lastEventAt: at }).where(eq(connectAccounts.id, id));
}

export async function setLinkToken(
  tx: Tx,
  id: string,
  hash: string,
  expiresAt: Date,
  returnTo: 'platform' | 'dashboard',
): Promise<void> {
  await tx
    .update(connectAccounts)
    .set({ linkTokenHash: hash, linkTokenExpiresAt: expiresAt, linkReturnTo: returnTo })
    .where(eq(connectAccounts.id, id));
}

/** The return/refresh token stops working (onboarding came back through it). */
export async function clearLinkToken(tx: Tx, id: string): Promise<void> {
  await tx
    .update(connectAccounts)
    .set({ linkTokenHash: null, linkTokenExpiresAt: null })
    .where(eq(connectAccounts.id, id));
}

/** Cross-tenant by design: called in the system scope (connect.onboarding_redirect). */
export async function findByLinkToken(tx: Tx, hash: string): Promise<ConnectAccountRow | null> {
  const [row] = await tx.select().from(connectAccounts).where(eq(connectAccounts.linkTokenHash, hash));
  return row ?? null;
}

export async function markReturned(tx: Tx, id: string): Promise<void> {
  await tx
    .update(connectAccounts)
    .set({ onboardingReturnedAt: sql`coalesce(${connectAccounts.onboardingReturnedAt}, now())` })
    .where(eq(connectAccounts.id, id));
}

export async function markDisconnected(
  tx: Tx,
  id: string,
  reason: 'disconnected' | 'deauthorized',
): Promise<ConnectAccountRow | null> {
  const [row] = await tx
    .update(connectAccounts)
    .set({
      disconnectedAt: sql`now()`,
      disconnectReason: reason,
      chargesEnabled: false,
      payoutsEnabled: false,
      linkTokenHash: null,
      updatedAt: sql`now()`,
    })
    .where(and(eq(connectAccounts.id, id), isNull(connectAccounts.disconnectedAt)))
    .returning();
  return row ?? null;
}

/**
 * The tenant holding a Stripe account (accountHolderSql) and the kind of its connection to it (its current
 * one first), or null when no tenant connected it. Inside a tenant's transaction only that tenant's own
 * connections are seen; the system scope sees every tenant's (platform events).
 */
export async function accountHolder(
  tx: Tx,
  stripeAccountId: string,
): Promise<{ tenantId: string; kind: ConnectKind } | null> {
  const [row] = await tx
    .select({ tenantId: connectAccounts.tenantId, kind: connectAccounts.kind })
    .from(connectAccounts)
    .where(
      and(
        eq(connectAccounts.stripeAccountId, stripeAccountId),
        eq(connectAccounts.tenantId, accountHolderSql(sql`${stripeAccountId}`)),
      ),
    )
    .orderBy(sql`${connectAccounts.disconnectedAt} IS NULL DESC`, desc(connectAccounts.connectedAt))
    .limit(1);
  return row ?? null;
}

/** The tenant's connection for a Stripe account id (current first), for webhook handlers. */
export async function accountByStripeId(
  tx: Tx,
  tenantId: string,
  stripeAccountId: string,
): Promise<ConnectAccountRow | null> {
  const [row] = await tx
    .select()
    .from(connectAccounts)
    .where(and(eq(connectAccounts.tenantId, tenantId), eq(connectAccounts.stripeAccountId, stripeAccountId)))
    .orderBy(sql`${connectAccounts.disconnectedAt} IS NULL DESC`, desc(connectAccounts.connectedAt))
    .limit(1);
  return row ?? null;
}

/**
 * Points `tenants.stripe_account_id` (which routes Stripe events to the tenant) at the account. The caller
 * checks `accountHeldElsewhere` first; the unique index is the last line against a race.
 */
export async function setTenantAccount(tx: Tx, tenantId: string, stripeAccountId: string): Promise<void> {
  await tx.update(tenants).set({ stripeAccountId, updatedAt: sql`now()` }).where(eq(tenants.id, tenantId));
}

/**
 * Whether any tenant other than `tenantId` holds the account. Runs as the system role: another tenant's
 * row is invisible in a tenant transaction, and the unique index would otherwise fail the whole link.
 */
export async function accountHeldElsewhere(
  tx: Tx,
  tenantId: string,
  stripeAccountId: string,
): Promise<boolean> {
  const rows = await tx
    .select({ id: tenants.id })
    .from(tenants)
    .where(and(eq(tenants.stripeAccountId, stripeAccountId), sql`${tenants.id} <> ${tenantId}`));
  return rows.length > 0;
}

export async function insertOauthState(
  tx: Tx,
  values: Pick<
    OauthStateRow,
    'tenantId' | 'stateHash' | 'callerKind' | 'callerId' | 'returnTo' | 'expiresAt'
  >,
): Promise<void> {
  await tx.insert(connectOauthStates).values(values);
}

/** Cross-tenant by design: called in the system scope (connect.oauth_state). */
export async function findOauthState(tx: Tx, hash: string): Promise<OauthStateRow | null> {
  const [row] = await tx.select().from(connectOauthStates).where(eq(connectOauthStates.stateHash, hash));
  return row ?? null;
}

/** Marks the state used; false when it already was (a concurrent callback won). */
export async function consumeOauthState(tx: Tx, id: string): Promise<boolean> {
  const rows = await tx
    .update(connectOauthStates)
    .set({ usedAt: sql`now()` })
    .where(and(eq(connectOauthStates.id, id), isNull(connectOauthStates.usedAt)))
    .returning({ id: connectOauthStates.id });
  return rows.length > 0;
}

/** The status rule of `service.ts#deriveStatus`, in SQL, for the operator's filters. */
const statusSql = sql`case
  when ca.id is null then 'not_connected'
  when ca.disconnected_at is not null then
    case when ca.disconnect_reason = 'deauthorized' then 'deauthorized' else 'not_connected' end
  when coalesce(ca.requirements->>'disabled_reason', '') like 'rejected%' then 'rejected'
  when ca.charges_enabled and ca.payouts_enabled then 'enabled'
  when ca.details_submitted or ca.onboarding_returned_at is not null then 'restricted'
  else 'onboarding' end`;

export interface OperatorRow {
  tenant_id: string;
  tenant_name: string;
  tenant_created_at: string;
  status: string;
  account: ConnectAccountRow | null;
}

/** Every tenant with its latest connection, newest tenant first. Called under withSystem. */
export async function listAllTenants(
  tx: Tx,
  q: { limit: number; status?: string; kind?: string; startingAfter?: string | null },
): Promise<{ rows: OperatorRow[]; hasMore: boolean }> {
  const filters: SQL[] = [];
  if (q.status) filters.push(sql`x.status = ${q.status}`);
  if (q.kind) filters.push(sql`(x.account->>'kind') = ${q.kind}`);
  if (q.startingAfter) {
    filters.push(
      sql`(x.tenant_created_at, x.tenant_id) < (select created_at, id from tenants where id = ${q.startingAfter})`,
    );
  }
  const where = filters.length ? sql`where ${sql.join(filters, sql` and `)}` : sql``;
  const res = (await tx.execute(sql`
    select * from (
      select t.id as tenant_id, t.name as tenant_name, t.created_at as tenant_created_at,
             ${statusSql} as status, to_jsonb(ca.*) as account
      from tenants t
      left join lateral (
        select * from connect_accounts c where c.tenant_id = t.id
        order by c.disconnected_at is null desc, c.connected_at desc limit 1
      ) ca on true
    ) x
    ${where}
    order by x.tenant_created_at desc, x.tenant_id desc
    limit ${q.limit + 1}`)) as unknown as {
    rows: {
      tenant_id: string;
      tenant_name: string;
      tenant_created_at: string;
      status: string;
      account: Record<string, unknown> | null;
    }[];
  };
  const rows = res.rows.map((r) => ({ ...r, account: r.account ? fromJsonRow(r.account) : null }));
  return { rows: rows.slice(0, q.limit), hasMore: rows.length > q.limit };
}

/** A `to_jsonb(connect_accounts.*)` row back into the Drizzle row shape. */
function fromJsonRow(j: Record<string, unknown>): ConnectAccountRow {
  const d = (v: unknown) => (v ? new Date(String(v)) : null);
  return {
    id: String(j.id),
    tenantId: String(j.tenant_id),
    stripeAccountId: String(j.stripe_account_id),
    kind: j.kind as ConnectKind,
    source: j.source as 'created' | 'oauth',
    livemode: Boolean(j.livemode),
    chargesEnabled: Boolean(j.charges_enabled),
    payoutsEnabled: Boolean(j.payouts_enabled),
    detailsSubmitted: Boolean(j.details_submitted),
    requirements: (j.requirements ?? null) as ConnectAccountRow['requirements'],
    capabilities: (j.capabilities ?? {}) as Record<string, string>,
    onboardingReturnedAt: d(j.onboarding_returned_at),
    linkTokenHash: null,
    linkTokenExpiresAt: null,
    linkReturnTo: null,
    connectedAt: d(j.connected_at)!,
    disconnectedAt: d(j.disconnected_at),
    disconnectReason: (j.disconnect_reason ?? null) as ConnectAccountRow['disconnectReason'],
    lastSyncedAt: d(j.last_synced_at),
    lastEventAt: d(j.last_event_at),
    createdAt: d(j.created_at)!,
    updatedAt: d(j.updated_at)!,
  };
}
