import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, loginUrl, openDatabase, queryRows, type Tx } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { LOGIN_ROLE, loginRoleSql } from '../../src/db/roles.ts';
import { scramSha256Verifier } from '../../src/db/scram.ts';
import { serve } from '../../src/runtime.ts';
import { createTestTenant, startTestApp, type TestApp, testConfig } from '../helpers/app.ts';
import { createPostgresDatabase, onPostgres } from '../helpers/db.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** A URL for `database` logging in as `user` (trust authentication: no password). */
function urlAs(database: Database, user: string): string {
  const u = new URL(database.ownerConnectionString!);
  u.username = user;
  u.password = '';
  return u.toString();
}

/** How pg reads a connection string (what the pool and pg-boss get). */
function parse(url: string) {
  const c = new pg.Client({ connectionString: url });
  return { user: c.user, password: c.password, host: c.host, port: c.port, database: c.database, ssl: c.ssl };
}

describe('the login URL', () => {
  it("is the owner URL's host and database with the login role's credentials, any password intact", () => {
    const password = 'p@ss:w/rd%41?#&=\'"';
    const { url, role } = loginUrl('postgres://owner:secret@db.example:6543/tributary?sslmode=require', {
      kind: 'managed',
      password,
    });
    expect(role).toEqual({ name: LOGIN_ROLE, managed: true, password });
    expect(parse(url)).toMatchObject({
      user: LOGIN_ROLE,
      password,
      host: 'db.example',
      port: 6543,
      database: 'tributary',
    });
    expect(parse(url).ssl).toBeTruthy();
    const none = loginUrl('postgres://owner:secret@db.example/tributary', {
      kind: 'managed',
      password: null,
    });
    expect(parse(none.url)).toMatchObject({ user: LOGIN_ROLE, host: 'db.example', database: 'tributary' });
    expect(parse(none.url).password).toBeFalsy();
    const given = loginUrl('postgres://owner@h/db', { kind: 'url', url: 'postgres://app%20user:pw@h2/db' });
    expect(given.role).toEqual({ name: 'app user', managed: false, password: null });
  });
});

/**
 * The server's database session user is not the superuser: on Postgres the pool and
 * pg-boss log in as a role of their own, which cannot become an owner or superuser again, and `serve`
 * refuses a session user that is a superuser, has BYPASSRLS or owns a table.
 */
describe.skipIf(!onPostgres)('the login role', () => {
  let t: TestApp;
  let database: Database;
  beforeAll(async () => {
    t = await startTestApp();
    database = t.database;
    await createTestTenant(t, 'Login role');
  });
  afterAll(() => t?.close());

  /** Runs `fn` on one of the server's pooled connections, in a transaction that is always rolled back. */
  async function onServerConnection(fn: (tx: Tx) => Promise<void>) {
    const rollback = new Error('rollback');
    await expect(
      database.db.transaction(async (tx) => {
        await fn(tx);
        throw rollback;
      }),
    ).rejects.toBe(rollback);
  }

  it('logs in as a role that is no superuser, has no BYPASSRLS and owns nothing', async () => {
    const [who] = await queryRows<{
      session_user: string;
      current_user: string;
      rolsuper: boolean;
      rolbypassrls: boolean;
      rolcreaterole: boolean;
      rolcreatedb: boolean;
      owned: number;
    }>(
      database.db,
      sql`select session_user, current_user, r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb,
            (select count(*)::int from pg_class c where c.relowner = r.oid) as owned
          from pg_roles r where r.rolname = session_user`,
    );
    expect(who).toMatchObject({
      current_user: 'tributary_app',
      rolsuper: false,
      rolbypassrls: false,
      rolcreaterole: false,
      rolcreatedb: false,
      owned: 0,
    });
    expect(who!.session_user).not.toBe(new URL(database.ownerConnectionString!).username || 'postgres');
  });

  it('SET ROLE postgres fails from the server connection, SET ROLE NONE reaches no table', async () => {
    await onServerConnection(async (tx) => {
      await expect(tx.execute(sql`set role postgres`)).rejects.toSatisfy((e: Error) =>
        /permission denied to set role/.test(String((e.cause as Error | undefined)?.message ?? e.message)),
      );
    });
    await onServerConnection(async (tx) => {
      await tx.execute(sql`set role none`);
      await expect(tx.execute(sql`select count(*) from tenants`)).rejects.toSatisfy((e: Error) =>
        /permission denied/.test(String((e.cause as Error | undefined)?.message ?? e.message)),
      );
    });
  });

  it('sees no tenant outside a tenant, and pg-boss logs in as the same role', async () => {
    const [count] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from tenants`);
    expect(count?.n).toBe(0);
    const boss = new pg.Client({ connectionString: database.appConnectionString! });
    boss.on('error', () => {});
    await boss.connect();
    try {
      const { rows } = await boss.query('select session_user as s, current_user as c');
      const [pool] = await queryRows<{ s: string }>(database.db, sql`select session_user as s`);
      expect(rows[0]).toEqual({ s: pool!.s, c: 'tributary_app' });
      await expect(boss.query('set role postgres')).rejects.toThrow(/permission denied to set role/);
    } finally {
      await boss.end();
    }
  });

  describe('serve and worker refuse a privileged session user', () => {
    const suffix = randomBytes(4).toString('hex');
    const bypass = `tributary_test_bypass_${suffix}`;
    const owner = `tributary_test_owner_${suffix}`;
    beforeAll(async () => {
      await database.ownerExec(`
        CREATE ROLE ${bypass} LOGIN BYPASSRLS;
        GRANT tributary_app, tributary_system TO ${bypass};
        CREATE ROLE ${owner} LOGIN;
        GRANT tributary_app, tributary_system TO ${owner};
        CREATE TABLE owned_${suffix} (id int);
        ALTER TABLE owned_${suffix} OWNER TO ${owner};`);
    });
    afterAll(async () => {
      await database.ownerExec(`DROP TABLE owned_${suffix}; DROP ROLE ${bypass}; DROP ROLE ${owner};`);
    });

    const refusal = async (appUrl: string) => {
      const config = testConfig({
        DATABASE_URL: database.ownerConnectionString!,
        DATABASE_APP_URL: appUrl,
      });
      const err = await serve(config, { sandbox: false }).then(
        async (running) => {
          await running.stop();
          return null;
        },
        (e: Error) => e,
      );
      expect(err, 'serve started').not.toBeNull();
      return err!.message;
    };

    it('a superuser', async () => {
      const message = await refusal(database.ownerConnectionString!);
      expect(message).toMatch(/session user '.+' is a superuser/);
      expect(message).toMatch(/DATABASE_APP_URL/);
    });

    it('a role with BYPASSRLS', async () => {
      expect(await refusal(urlAs(database, bypass))).toMatch(new RegExp(`'${bypass}' has BYPASSRLS`));
    });

    it('a role owning a table', async () => {
      expect(await refusal(urlAs(database, owner))).toMatch(new RegExp(`'${owner}' owns .*owned_${suffix}`));
    });

    describe('a role that can become a superuser', () => {
      const r = (what: string) => `tributary_test_${what}_${suffix}`;
      // a role per power, each also granted what the server needs, so nothing else stops it
      const cases: Record<string, { setup: string; message: RegExp }> = {
        [r('prog')]: {
          setup: `CREATE ROLE ${r('prog')} LOGIN; GRANT pg_execute_server_program TO ${r('prog')};`,
          message: /is a member of pg_execute_server_program/,
        },
        [r('rfiles')]: {
          setup: `CREATE ROLE ${r('rfiles')} LOGIN; GRANT pg_read_server_files TO ${r('rfiles')};`,
          message: /is a member of pg_read_server_files/,
        },
        [r('wfiles')]: {
          setup: `CREATE ROLE ${r('wfiles')} LOGIN; GRANT pg_write_server_files TO ${r('wfiles')};`,
          message: /is a member of pg_write_server_files/,
        },
        [r('repl')]: {
          setup: `CREATE ROLE ${r('repl')} LOGIN REPLICATION;`,
          message: /has REPLICATION/,
        },
        [r('crole')]: {
          setup: `CREATE ROLE ${r('crole')} LOGIN CREATEROLE;`,
          message: /has CREATEROLE/,
        },
        // the same powers one SET ROLE away (NOINHERIT, as the server's own login role)
        [r('viarepl')]: {
          setup: `CREATE ROLE ${r('grepl')} NOLOGIN REPLICATION;
                  CREATE ROLE ${r('viarepl')} LOGIN NOINHERIT IN ROLE ${r('grepl')};`,
          message: new RegExp(`can SET ROLE to ${r('grepl')} \\(REPLICATION\\)`),
        },
        [r('viaprog')]: {
          setup: `CREATE ROLE ${r('gprog')} NOLOGIN; GRANT pg_execute_server_program TO ${r('gprog')};
                  CREATE ROLE ${r('viaprog')} LOGIN NOINHERIT IN ROLE ${r('gprog')};`,
          message: /is a member of pg_execute_server_program/,
        },
      };
      beforeAll(async () => {
        for (const [role, c] of Object.entries(cases))
          await database.ownerExec(`${c.setup} GRANT tributary_app, tributary_system TO ${role};`);
      });
      afterAll(async () => {
        await database.ownerExec(`DROP ROLE ${[...Object.keys(cases), r('grepl'), r('gprog')].join(', ')};`);
      });

      it('their powers are real: a shell from a session of the pg_execute_server_program member', async () => {
        const c = new pg.Client({ connectionString: urlAs(database, r('prog')) });
        c.on('error', () => {});
        await c.connect();
        try {
          // The program reads what COPY writes: one that exits first ('true') breaks the pipe at random.
          await c.query(`COPY (select 1) TO PROGRAM 'cat > /dev/null'`);
        } finally {
          await c.end();
        }
      });

      for (const [role, c] of Object.entries(cases)) {
        it(role.replace(/^tributary_test_|_[0-9a-f]+$/g, ''), async () => {
          expect(await refusal(urlAs(database, role))).toMatch(c.message);
        });
      }
    });

    it('migrate takes such powers back from the login role it manages', async () => {
      const name = `tributary_test_managed_${suffix}`;
      await database.ownerExec(`
        CREATE ROLE ${name} LOGIN NOINHERIT REPLICATION CREATEROLE;
        CREATE ROLE ${name}_g NOLOGIN;
        GRANT pg_read_server_files TO ${name}_g;
        GRANT pg_execute_server_program, ${name}_g TO ${name};`);
      try {
        for (const stmt of loginRoleSql({ name, managed: true, password: null }, scramSha256Verifier))
          await database.ownerExec(stmt);
        const [role] = await queryRows<{ repl: boolean; crole: boolean; of: string }>(
          database.db,
          sql`select rolreplication as repl, rolcreaterole as crole,
                (select string_agg(g.rolname, ',' order by g.rolname) from pg_auth_members m
                   join pg_roles g on g.oid = m.roleid where m.member = r.oid) as of
              from pg_roles r where rolname = ${name}`,
        );
        expect(role).toEqual({ repl: false, crole: false, of: 'tributary_app,tributary_system' });
        // and serve starts as it
        const running = await serve(
          testConfig({
            DATABASE_URL: database.ownerConnectionString!,
            DATABASE_APP_URL: urlAs(database, name),
          }),
          { sandbox: false },
        );
        await running.stop();
      } finally {
        await database.ownerExec(`DROP ROLE ${name}; DROP ROLE ${name}_g;`);
      }
    });

    it('`tributary worker` exits with the message', () => {
      const run = spawnSync(`${root}node_modules/.bin/node`, [main, 'worker'], {
        env: {
          ...process.env,
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
          DATABASE_URL: database.ownerConnectionString!,
          DATABASE_APP_URL: database.ownerConnectionString!,
        },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^tributary: .*is a superuser/m);
    });
  });

  it('migrate gives the login role DATABASE_APP_PASSWORD as a SCRAM verifier, never in plain text', async () => {
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const opened = await openDatabase({
      kind: 'pg',
      url: await createPostgresDatabase(),
      login: { kind: 'managed', password },
    });
    try {
      await migrateDatabase(opened);
      const owner = await opened.ownerDb();
      const [row] = await queryRows<{ p: string }>(
        owner.db,
        sql`select rolpassword as p from pg_authid where rolname = ${LOGIN_ROLE}`,
      );
      await owner.release();
      // Postgres keeps a verifier it is given as is (a plain text password it would hash with its own salt)
      const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(row!.p);
      expect(m).not.toBeNull();
      expect(row!.p).toBe(scramSha256Verifier(password, Buffer.from(m![2]!, 'base64'), Number(m![1])));
    } finally {
      await opened.close();
    }
  });
});
