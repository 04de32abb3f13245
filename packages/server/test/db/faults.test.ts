import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Database, queryRows } from '../../src/db/client.ts';
import { bearer, createTestTenant, startTestApp, type TestApp } from '../helpers/app.ts';
import { createDatabase, onPostgres } from '../helpers/db.ts';
import { backendAlive, terminateBackends } from '../helpers/faults.ts';
import { deliver, fakeEvent } from '../helpers/webhooks.ts';
import { assertSurvivesFaults, prepareLoadTarget } from '../helpers/write-load.ts';

/**
 * The server survives its database connections being terminated. Postgres only:
 * PGlite has no connections to lose.
 */
describe.skipIf(!onPostgres)('database faults', () => {
  let database: Database;
  let t: TestApp;
  /** armed: the next tenant transaction of `tenant` reports its backend pid and waits for `release` */
  let hold: { tenantId: string; reached: (pid: number) => void; release: Promise<void> } | null = null;
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);

  beforeAll(async () => {
    process.on('uncaughtException', onUncaught);
    database = await createDatabase();
    t = await startTestApp({
      database,
      testHooks: {
        tenantTransaction: async (tx, tenantId) => {
          const h = hold;
          if (!h || h.tenantId !== tenantId) return;
          hold = null;
          const [row] = await queryRows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`);
          h.reached(row!.pid);
          await h.release;
        },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await database?.close();
    process.off('uncaughtException', onUncaught);
  });
  afterEach(() => {
    expect(uncaught).toEqual([]);
  });

  it('a request whose connection is terminated mid-transaction answers 503, and the next ones succeed', async () => {
    const tenant = await createTestTenant(t, 'Fault A');
    let release!: () => void;
    const reached = new Promise<number>((resolve) => {
      hold = { tenantId: tenant.id, reached: resolve, release: new Promise((r) => (release = r)) };
    });
    const pending = t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}`,
      headers: bearer(tenant.key),
    });
    const pid = await reached;
    // every connection of the server's database, the held one included (as the issue reproduced it)
    expect(await terminateBackends(database)).toBeGreaterThan(0);
    // the held backend is gone: its 57P01 reached the client while no query was running on it
    while (await backendAlive(database, pid)) await new Promise((r) => setTimeout(r, 10));
    release();
    const res = await pending;
    expect(res.statusCode).toBe(503);
    const body = res.json();
    expect(body.error.code).toBe('service_unavailable');
    expect(body.error.type).toBe('api_error');
    expect(res.body).not.toMatch(/57P01|terminat|pg_|postgres|not queryable|Failed query/i);

    for (let i = 0; i < 5; i++) {
      const next = await t.app.inject({
        method: 'GET',
        url: `/v1/tenants/${tenant.publicId}`,
        headers: bearer(tenant.key),
      });
      expect(next.statusCode).toBe(200);
    }
  });

  it('a POST cut off while the database refuses connections answers its own 503, not the driver text', async () => {
    const tenant = await createTestTenant(t, 'Fault B');
    const name = decodeURIComponent(new URL(database.ownerConnectionString!).pathname.slice(1));
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    admin.on('error', () => {});
    await admin.connect();
    try {
      let release!: () => void;
      const reached = new Promise<number>((resolve) => {
        hold = { tenantId: tenant.id, reached: resolve, release: new Promise((r) => (release = r)) };
      });
      const pending = t.app.inject({
        method: 'POST',
        url: `/v1/tenants/${tenant.publicId}`,
        headers: { ...bearer(tenant.key), 'idempotency-key': 'cut-off' },
        payload: { name: 'Renamed' },
      });
      const pid = await reached;
      // nothing can reconnect now: the request fails, and so does recording its Idempotency-Key's outcome
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
      while ((await admin.query('select 1 from pg_stat_activity where pid = $1', [pid])).rowCount)
        await new Promise((r) => setTimeout(r, 10));
      release();
      const res = await pending;
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('service_unavailable');
      expect(res.body).not.toMatch(/57P0|55000|accepting connections|terminat|not queryable|Failed query/i);
    } finally {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    const next = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}`,
      headers: bearer(tenant.key),
    });
    expect(next.statusCode).toBe(200);
  });

  it('webhooks refused while the database took no connections are stored once it does again', async () => {
    const closed = await createDatabase();
    const app = await startTestApp({ database: closed }); // its job queue starts at the first webhook
    // from the server's maintenance database: a database cannot refuse connections from inside itself
    const owner = new pg.Client({ connectionString: process.env.DATABASE_URL });
    owner.on('error', () => {});
    await owner.connect();
    const name = decodeURIComponent(new URL(closed.ownerConnectionString!).pathname.slice(1));
    try {
      await owner.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await owner.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
      const refused = await deliver(app, fakeEvent());
      expect(refused.statusCode).toBe(503);
      expect(refused.json().error.code).toBe('service_unavailable');
      await owner.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      const stored = await deliver(app, fakeEvent());
      expect(stored.statusCode, stored.body).toBe(200);
    } finally {
      await owner.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`).catch(() => {});
      await owner.end();
      await app.close();
      await closed.close();
    }
  });

  it('under write load, every connection terminated three times: the process keeps serving, no acknowledged webhook is lost, no payment is made twice', async () => {
    const loaded = await createDatabase();
    const target = await prepareLoadTarget(loaded);
    try {
      await assertSurvivesFaults(
        target,
        async () => expect(await terminateBackends(loaded)).toBeGreaterThan(0),
        3,
      );
    } finally {
      await target.close();
      await loaded.close();
    }
  }, 300_000);
});
