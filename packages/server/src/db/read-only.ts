import { sql } from 'drizzle-orm';
import type { Db, Tx } from './client.ts';
import type { SystemReason } from './system-reasons.ts';
import { type TxScope, withSystem, withTenant } from './tenant.ts';

// Read-only transactions (issue 23, support queries): `SET TRANSACTION READ ONLY` first, so Postgres itself
// refuses any write the work attempts (`25006 read_only_sql_transaction`), whatever code runs inside.

const readOnly = (tx: Tx) => tx.execute(sql`set transaction read only`);

/** withTenant, read-only: row-level security on `tenantId` and no write of any kind. */
export function withTenantReadOnly<T>(
  db: Db,
  tenantId: string,
  fn: (tx: Tx) => Promise<T>,
  scope: TxScope = {},
): Promise<T> {
  return withTenant(
    db,
    tenantId,
    async (tx) => {
      await readOnly(tx);
      return fn(tx);
    },
    scope,
  );
}

/** withSystem, read-only: a declared cross-tenant reason, and no write of any kind. */
export function withSystemReadOnly<T>(db: Db, reason: SystemReason, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withSystem(db, reason, async (tx) => {
    await readOnly(tx);
    return fn(tx);
  });
}
