import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { createDatabase, onPostgres } from '../helpers/db.ts';
import { deliver, fakeEvent, ownerSql, systemRows, waitFor } from '../helpers/webhooks.ts';

const LOOPS = Number(process.env.TRIBUTARY_CRASH_LOOPS ?? 3);
const EVENTS = 150;
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/**
 * A separate worker process is SIGKILLed mid-processing, repeatedly; jobs of the dead worker expire
 * (WEBHOOK_JOB_EXPIRE_SECONDS=2) and return to the queue. Afterwards every event is processed and its effect
 * (the applied object and one outbound event) exists exactly once. The events are destination charges paying
 * a tenant's account, so each is routed (its own transaction) before it is applied. Postgres only: PGlite is
 * one process's.
 */
describe.skipIf(!onPostgres)(`crash safety: worker SIGKILLed ${LOOPS} times`, () => {
  let t: TestApp;
  let database: Database;
  let tenant: TestTenant;
  const ids: string[] = [];
  const env = {
    WEBHOOK_JOB_EXPIRE_SECONDS: '2',
    WEBHOOK_RETRY_LIMIT: '50',
    WEBHOOK_RETRY_DELAY_SECONDS: '1',
    WEBHOOK_REFETCH: 'false',
    WEBHOOK_WORKER_CONCURRENCY: '4',
  };

  beforeAll(async () => {
    database = await createDatabase();
    t = await startTestApp({ database, env });
    tenant = await createTestTenant(t, 'Crash');
    const account = 'acct_crash_test';
    await ownerSql(database, `update tenants set stripe_account_id = '${account}' where id = '${tenant.id}'`);
    for (let i = 0; i < EVENTS; i++) {
      const e = fakeEvent({ type: 'payment_intent.succeeded' });
      const object = (e.data as { object: Record<string, unknown> }).object;
      object.transfer_data = { destination: account };
      ids.push(String(e.id));
      expect((await deliver(t, e)).statusCode).toBe(200);
    }
  });
  afterAll(async () => {
    await t.close();
    await database.close();
  });

  const processed = async () =>
    (
      await systemRows<{ n: number }>(
        database,
        `select count(*)::int as n from stripe_events where status = 'processed'`,
      )
    )[0]!.n;

  function worker(): ChildProcess {
    return spawn(`${root}node_modules/.bin/node`, [main, 'worker'], {
      env: {
        ...process.env,
        ...env,
        DATABASE_URL: database.ownerConnectionString!,
        STRIPE_WEBHOOK_SECRETS: 'whsec_unused',
        LOG_LEVEL: 'silent',
        STRIPE_API_BASE: 'http://127.0.0.1:9',
      },
      stdio: 'ignore',
    });
  }

  it('every event is processed and applied once', async () => {
    for (let loop = 0; loop < LOOPS; loop++) {
      const before = await processed();
      const w = worker();
      // kill as soon as this worker has made progress, i.e. while it is mid-batch
      await waitFor(
        async () => (await processed()) > before || before === EVENTS,
        `progress in loop ${loop}`,
        undefined,
        90_000,
      );
      w.kill('SIGKILL');
      await new Promise((r) => w.once('exit', r));
      console.log(`loop ${loop}: ${await processed()} of ${EVENTS} processed`);
    }
    const last = worker();
    try {
      await waitFor(async () => (await processed()) === EVENTS, 'all processed', undefined, 120_000);
    } finally {
      last.kill('SIGTERM');
      await new Promise((r) => last.once('exit', r));
    }
    const list = ids.map((i) => `'${i}'`).join(',');
    const [effects] = await systemRows<{ objects: number; outbound: number; dupes: number }>(
      database,
      `select (select count(*)::int from stripe_objects where last_event_id in (${list})) as objects,
              (select count(*)::int from outbound_events where source_event_id in (${list})) as outbound,
              (select count(*)::int from (select source_event_id from outbound_events
                 where source_event_id in (${list}) group by 1 having count(*) > 1) d) as dupes`,
    );
    expect(effects).toEqual({ objects: EVENTS, outbound: EVENTS, dupes: 0 });
    const [routed] = await systemRows<{ n: number }>(
      database,
      `select count(*)::int as n from stripe_events where id in (${list}) and tenant_id = '${tenant.id}'`,
    );
    expect(routed!.n).toBe(EVENTS);
  }, 300_000);
});
