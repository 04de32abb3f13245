import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withSystemReadOnly, withTenantReadOnly } from '../../src/db/read-only.ts';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';

// The support queries' transactions (db/read-only.ts): Postgres itself refuses any write inside them.

describe('read-only transactions', () => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeAll(async () => {
    t = await startTestApp({ sandbox: false });
    tenant = await createTestTenant(t, 'Read only');
  });
  afterAll(() => t?.close());

  const write = (tenantId: string) => sql`update tenants set name = name || '!' where id = ${tenantId}`;
  const code = (err: unknown): unknown =>
    (err as { code?: unknown; cause?: unknown }).code ?? (err as { cause?: { code?: unknown } }).cause?.code;

  it('read, and refuse a write, in a tenant and as the system', async () => {
    const name = await withTenantReadOnly(t.database.db, tenant.id, async (tx) => {
      const res = (await tx.execute(sql`select name from tenants where id = ${tenant.id}`)) as unknown as {
        rows: { name: string }[];
      };
      return res.rows[0]?.name;
    });
    expect(name).toBe('Read only');
    for (const run of [
      () => withTenantReadOnly(t.database.db, tenant.id, (tx) => tx.execute(write(tenant.id))),
      () => withSystemReadOnly(t.database.db, 'support.search', (tx) => tx.execute(write(tenant.id))),
    ]) {
      const err = await run().then(
        () => null,
        (e: unknown) => e,
      );
      expect(code(err)).toBe('25006'); // read_only_sql_transaction
    }
  });
});
