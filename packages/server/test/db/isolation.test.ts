import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { apiKeys, auditLog, dashboardLinks, memberships, tenants, users } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { createTestTenant, sessionFor, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';

const tenantTables = {
  tenants,
  memberships,
  api_keys: apiKeys,
  audit_log: auditLog,
  dashboard_links: dashboardLinks,
  users,
};

describe('row-level security', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  beforeAll(async () => {
    t = await startTestApp();
    a = await createTestTenant(t, 'Isolation A');
    b = await createTestTenant(t, 'Isolation B');
    await sessionFor(t, a, 'owner-a@example.com', 'owner');
    await sessionFor(t, b, 'owner-b@example.com', 'owner');
  });

  it('a query outside withTenant sees zero tenant rows', async () => {
    for (const [name, table] of Object.entries(tenantTables)) {
      const rows = await t.database.db.select().from(table);
      expect(rows, name).toEqual([]);
    }
    const [count] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from memberships`,
    );
    expect(count?.n).toBe(0);
  });

  it('inside withTenant only that tenant rows are visible', async () => {
    await withTenant(t.database.db, a.id, async (tx) => {
      const ts = await tx.select().from(tenants);
      expect(ts.map((r) => r.id)).toEqual([a.id]);
      const keys = await tx.select().from(apiKeys);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.every((k) => k.tenantId === a.id)).toBe(true);
      const us = await tx.select().from(users);
      expect(us.map((u) => u.email)).toEqual(['owner-a@example.com']);
      const audit = await tx.select().from(auditLog);
      expect(audit.every((r) => r.tenantId === a.id)).toBe(true);
    });
  });

  it('cannot write a row into another tenant, nor change or delete its rows', async () => {
    await expect(
      withTenant(t.database.db, a.id, (tx) =>
        tx.insert(auditLog).values({ tenantId: b.id, actorType: 'system', action: 'forged' }),
      ),
    ).rejects.toSatisfy((e: Error) =>
      /row-level security/.test(String((e.cause as Error | undefined)?.message ?? e.message)),
    );
    const changed = await withTenant(t.database.db, a.id, (tx) =>
      tx.update(tenants).set({ name: 'hijacked' }).where(eq(tenants.id, b.id)).returning(),
    );
    expect(changed).toEqual([]);
    const deleted = await withTenant(t.database.db, a.id, (tx) =>
      tx.delete(apiKeys).where(eq(apiKeys.tenantId, b.id)).returning(),
    );
    expect(deleted).toEqual([]);
    const bName = await withTenant(t.database.db, b.id, (tx) =>
      tx.select({ name: tenants.name }).from(tenants),
    );
    expect(bName).toEqual([{ name: 'Isolation B' }]);
  });

  it('the tenant setting does not leak past the transaction', async () => {
    await withTenant(t.database.db, a.id, async () => {});
    const [row] = await queryRows<{ v: string | null }>(
      t.database.db,
      sql`select current_setting('app.tenant_id', true) as v`,
    );
    expect(row?.v ?? '').toBe('');
  });
});
