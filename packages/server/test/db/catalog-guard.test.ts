import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { APP_ROLE, SYSTEM_ROLE } from '../../src/db/roles.ts';
import { withSystem } from '../../src/db/tenant.ts';
import { testDatabase } from '../helpers/db.ts';

// Any table that stores tenant data must be fenced by forced row-level security with a policy: this test
// fails the moment a new table forgets it.
describe('catalog guard', () => {
  it('every table with a tenant_id column has RLS enabled, forced, and a policy', async () => {
    const database = await testDatabase();
    const rows = await withSystem(database.db, 'operator.tenants', (tx) =>
      queryRows<{ table: string; rls: boolean; forced: boolean; policies: number }>(
        tx,
        sql`select c.relname as table, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
                   (select count(*)::int from pg_policies p where p.schemaname = n.nspname and p.tablename = c.relname) as policies
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind in ('r', 'p')
              and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
            order by 1`,
      ),
    );
    expect(rows.length).toBeGreaterThanOrEqual(4);
    const unguarded = rows.filter((r) => !r.rls || !r.forced || r.policies === 0).map((r) => r.table);
    expect(unguarded).toEqual([]);
  });

  it('every table in public has RLS forced (tenant data or not, nothing is readable by accident)', async () => {
    const database = await testDatabase();
    const rows = await withSystem(database.db, 'operator.tenants', (tx) =>
      queryRows<{ table: string }>(
        tx,
        sql`select c.relname as table from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind = 'r' and not (c.relrowsecurity and c.relforcerowsecurity)`,
      ),
    );
    expect(rows).toEqual([]);
  });

  it('the app role cannot bypass RLS and owns nothing; only the system role bypasses', async () => {
    const database = await testDatabase();
    const roles = await queryRows<{
      rolname: string;
      rolbypassrls: boolean;
      rolsuper: boolean;
      owned: number;
    }>(
      database.db,
      sql`select r.rolname, r.rolbypassrls, r.rolsuper,
                 (select count(*)::int from pg_class c where c.relowner = r.oid) as owned
          from pg_roles r where r.rolname in (${APP_ROLE}, ${SYSTEM_ROLE}) order by 1`,
    );
    expect(roles).toEqual([
      { rolname: APP_ROLE, rolbypassrls: false, rolsuper: false, owned: 0 },
      { rolname: SYSTEM_ROLE, rolbypassrls: true, rolsuper: false, owned: 0 },
    ]);
    const [me] = await queryRows<{ current_user: string }>(database.db, sql`select current_user`);
    expect(me?.current_user).toBe(APP_ROLE);
  });
});
