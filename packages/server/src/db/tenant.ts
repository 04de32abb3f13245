import { eq, sql } from 'drizzle-orm';
import { collectAfterCommit, runAfterCommit } from './after-commit.ts';
import type { Db, Tx } from './client.ts';
import { retryOnConnectionLoss } from './connection-errors.ts';
import { literal, poolTransaction } from './one-trip-begin.ts';
import { APP_ROLE, SYSTEM_ROLE } from './roles.ts';
import { tenants } from './schema/index.ts';
import { type SystemReason, systemReasons } from './system-reasons.ts';

/**
 * Test-only: awaited inside withTenant's transaction after its first query (the tenant setting) and before
 * the caller's queries, with the transaction. The database-fault tests hold a request's transaction open
 * there while they terminate the server's connections. Installed by buildApp's `testHooks` option only.
 */
export type TenantTxHook = (tx: Tx, tenantId: string) => Promise<void>;
const tenantTxHooks = new WeakMap<Db, TenantTxHook>();

/** Installs (or with null removes) the test hook for transactions on `db`. */
export function setTenantTxHook(db: Db, hook: TenantTxHook | null): void {
  if (hook) tenantTxHooks.set(db, hook);
  else tenantTxHooks.delete(db);
}

export interface TxScope {
  /** Who is calling (api key or user): idempotency records are visible only to their caller. */
  callerId?: string | null;
}

/**
 * Runs `fn` in a transaction where row-level security shows only `tenantId`'s rows. The setting is
 * transaction-local, so a pooled connection never carries one request's tenant into the next.
 */
export async function withTenant<T>(
  db: Db,
  tenantId: string,
  fn: (tx: Tx) => Promise<T>,
  scope: TxScope = {},
): Promise<T> {
  const committed: (() => void)[] = [];
  const work = async (tx: Tx) => {
    collectAfterCommit(tx, committed);
    await tenantTxHooks.get(db)?.(tx, tenantId);
    return fn(tx);
  };
  // on a Postgres pool the settings travel with BEGIN (one round trip less on every tenant request)
  const setup = `select set_config('app.tenant_id', ${literal(tenantId)}, true), set_config('app.caller_id', ${literal(scope.callerId ?? '')}, true)`;
  const result = await (poolTransaction(db, setup, work) ??
    db.transaction(async (tx) => {
      await tx.execute(
        sql`select set_config('app.tenant_id', ${tenantId}, true), set_config('app.caller_id', ${scope.callerId ?? ''}, true)`,
      );
      return work(tx);
    }));
  runAfterCommit(committed);
  return result;
}

/** Whether the tenant row exists, read in a transaction that can see it (its own, or the system's). */
export async function tenantRowExists(tx: Tx, tenantId: string): Promise<boolean> {
  const [row] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId));
  return row !== undefined;
}

/** Whether the tenant exists (for the platform, which may name any id). */
export function tenantExists(db: Db, tenantId: string): Promise<boolean> {
  return withTenant(db, tenantId, (tx) => tenantRowExists(tx, tenantId));
}

/** A transaction with no tenant: row-level security shows no tenant rows; only caller-owned rows. */
export async function withCaller<T>(db: Db, callerId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.caller_id', ${callerId}, true)`);
    return fn(tx);
  });
}

/**
 * withCaller, run again on a fresh connection when the connection was lost: only for work whose repeat
 * does the same whether or not the lost try committed (recording a request's outcome).
 */
export function withCallerRetrying<T>(db: Db, callerId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return retryOnConnectionLoss(() => withCaller(db, callerId, fn));
}

/**
 * Cross-tenant work (key and session lookup, webhook ingest before the tenant is known, the worker's
 * claim, the operator's lists). Every reason is declared in system-reasons.ts and a test checks that each
 * call site names one of them.
 */
export async function withSystem<T>(db: Db, reason: SystemReason, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (!(reason in systemReasons)) throw new Error(`withSystem: undeclared reason '${reason}'`);
  const committed: (() => void)[] = [];
  const work = (tx: Tx) => {
    collectAfterCommit(tx, committed);
    return fn(tx);
  };
  // on a Postgres pool the role switch travels with BEGIN (the ingest's group commit and the worker's claim)
  const result = await (poolTransaction(db, `SET LOCAL ROLE ${SYSTEM_ROLE}`, work) ??
    db.transaction(async (tx) => {
      await tx.execute(sql.raw(`SET LOCAL ROLE ${SYSTEM_ROLE}`));
      return work(tx);
    }));
  runAfterCommit(committed);
  return result;
}

/**
 * Runs `fn` as the system role inside a transaction already open as the app role (a tenant's), then switches
 * back: for writes to tables no tenant may touch that must commit with the tenant's own change (the
 * platform's MRR history, written with the tenant's plan sync). Only `fn`'s queries bypass row-level
 * security; each reason is declared like withSystem's and `test/db/system-uses.test.ts` lists the call sites.
 */
export async function asSystemInTx<T>(tx: Tx, reason: SystemReason, fn: () => Promise<T>): Promise<T> {
  if (!(reason in systemReasons)) throw new Error(`asSystemInTx: undeclared reason '${reason}'`);
  const res = (await tx.execute(sql`select current_user as role`)) as unknown as { rows: { role: string }[] };
  const role = res.rows[0]?.role;
  if (role === SYSTEM_ROLE) return fn();
  if (role !== APP_ROLE) throw new Error(`asSystemInTx: the transaction runs as '${role}', not the app role`);
  await tx.execute(sql.raw(`SET LOCAL ROLE ${SYSTEM_ROLE}`));
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    // back to the app role should the caller go on in this transaction; an aborted one refuses (and is done)
    await tx.execute(sql.raw(`SET LOCAL ROLE ${APP_ROLE}`)).catch(() => {});
    throw err;
  }
  await tx.execute(sql.raw(`SET LOCAL ROLE ${APP_ROLE}`));
  return result;
}
