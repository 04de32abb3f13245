import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withSystem } from '../../src/db/tenant.ts';
import { startJobs } from '../../src/jobs/boss.ts';
import { createLogger } from '../../src/logger.ts';
import { startWorker } from '../../src/runtime.ts';
import { StripeRef } from '../../src/stripe/client.ts';
import { EVENTS_PER_JOB, type InboundEvent, insertEvents } from '../../src/webhooks/inbox.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { deliver, fakeEvent, systemRows, waitFor } from '../helpers/webhooks.ts';

/**
 * The inbox writes one `stripe-event` job per group commit (up to EVENTS_PER_JOB events each), and the
 * worker writes a batch's raw objects in one statement with the outcome of writing them one by one.
 */
describe('group jobs and the batched raw mirror', () => {
  let t: TestApp;
  let worker: Awaited<ReturnType<typeof startWorker>> | null = null;
  beforeAll(async () => {
    t = await startTestApp({ env: { WEBHOOK_REFETCH: 'false' } });
  });
  afterAll(async () => {
    await worker?.stop();
    await t.close();
  });

  const jobsNaming = (ids: string[]) =>
    systemRows<{ id: string; ids: string[] }>(
      t.database,
      `select id, coalesce(array(select jsonb_array_elements_text(data->'eventIds')), array[data->>'eventId']) as ids
       from pgboss.job where name = 'stripe-event'
         and (data->>'eventId' = any(array[${ids.map((i) => `'${i}'`).join(',')}])
              or data->'eventIds' ?| array[${ids.map((i) => `'${i}'`).join(',')}])`,
    );

  it('one commit of 250 new events writes three jobs naming each event once', async () => {
    const events: InboundEvent[] = Array.from({ length: 250 }, (_, i) => {
      const e = fakeEvent({ id: `evt_group_${i}_${Date.now()}` });
      return {
        id: e.id as string,
        type: e.type as string,
        account: null,
        source: 'platform',
        kind: 'snapshot',
        livemode: false,
        created: e.created as number,
        apiVersion: null,
        payload: e,
        rawBody: null,
      };
    });
    const sender = await startJobs(t.database, createLogger('silent'), { work: false, definitions: [] });
    try {
      const stored = await withSystem(t.database.db, 'webhooks.ingest', (tx) =>
        insertEvents(tx, sender, t.config, events),
      );
      expect(stored.size).toBe(250);
      // stored again (a redelivery): nothing new, no job
      const again = await withSystem(t.database.db, 'webhooks.ingest', (tx) =>
        insertEvents(tx, sender, t.config, events.slice(0, 10)),
      );
      expect(again.size).toBe(0);
    } finally {
      await sender.stop();
    }
    const jobs = await jobsNaming(events.map((e) => e.id));
    expect(jobs.map((j) => j.ids.length).sort((a, b) => a - b)).toEqual([50, EVENTS_PER_JOB, EVENTS_PER_JOB]);
    const named = jobs.flatMap((j) => j.ids);
    expect(new Set(named).size).toBe(250);
    expect(named.length).toBe(250);
  });

  it('a batch holding several fetches of one object keeps the newest, whatever the order they came in', async () => {
    // events of an account no tenant holds: each keeps only its raw object (the mirror alone is applied)
    const account = `acct_mirror_${Date.now()}`;
    const now = Math.floor(Date.now() / 1000);
    const object = (n: number) => ({ id: `cus_mirror_${account}`, object: 'customer', name: `v${n}` });
    const other = { id: `cus_other_${account}`, object: 'customer', name: 'other' };
    const events = [
      fakeEvent({ type: 'customer.updated', account, created: now - 10, object: object(3) }),
      fakeEvent({ type: 'customer.updated', account, created: now - 30, object: object(1) }),
      fakeEvent({ type: 'customer.created', account, created: now - 40, object: other }),
      fakeEvent({ type: 'customer.updated', account, created: now - 20, object: object(2) }),
    ];
    const responses = await Promise.all(
      events.map((e) => deliver(t, e, { path: '/webhooks/stripe/connect' })),
    );
    for (const r of responses) expect(r.statusCode).toBe(200);
    worker = await startWorker(t.config, t.database, createLogger('silent'), {
      stripe: new StripeRef(t.config),
    });
    const ids = events.map((e) => `'${e.id}'`).join(',');
    await waitFor(async () => {
      const r = await systemRows<{ n: number }>(
        t.database,
        `select count(*)::int as n from stripe_events where id in (${ids}) and status = 'processed'`,
      );
      return r[0]!.n === events.length ? true : null;
    }, 'the four events processed');
    const rows = await systemRows<{ id: string; name: string; synced: string; event: string }>(
      t.database,
      `select id, data->>'name' as name, extract(epoch from last_synced_at)::bigint::text as synced,
              last_event_id as event
       from stripe_objects where account = '${account}' order by id`,
    );
    expect(rows).toEqual([
      { id: object(0).id, name: 'v3', synced: String(now - 10), event: events[0]!.id },
      { id: other.id, name: 'other', synced: String(now - 40), event: events[2]!.id },
    ]);
  });
});
