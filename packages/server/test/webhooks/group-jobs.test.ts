import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withSystem } from '../../src/db/tenant.ts';
import { startJobs } from '../../src/jobs/boss.ts';
import { createLogger } from '../../src/logger.ts';
import { startWorker } from '../../src/runtime.ts';
import { StripeRef } from '../../src/stripe/client.ts';
import { storeStripeObjects } from '../../src/webhooks/apply.ts';
import { EVENTS_PER_JOB, insertEvents } from '../../src/webhooks/inbox.ts';
import { createTestTenant, startTestApp, type TestApp } from '../helpers/app.ts';
import { connectTenant, sandboxStripe } from '../helpers/payments.ts';
import { deliver, fakeEvent, inboundOf, systemRows, waitFor } from '../helpers/webhooks.ts';

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
    const events = Array.from({ length: 250 }, (_, i) =>
      inboundOf(fakeEvent({ id: `evt_group_${i}_${Date.now()}` })),
    );
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

  it('two events of one object in one batch share its refetch and apply in event order behind the guards', async () => {
    // a second app refetching from its sandbox; the first's worker (snapshots) stopped
    await worker?.stop();
    worker = null;
    const r = await startTestApp({ database: t.database });
    const config = { ...r.config, WEBHOOK_REFETCH: true };
    const tenant = await createTestTenant(r, 'Shared fetch');
    const account = await connectTenant(r, tenant);
    const stripe = sandboxStripe(r);
    const on = { stripeAccount: account };
    const customer = await stripe.customers.create({ email: 'shared@example.com' }, on);
    const price = await stripe.prices.create(
      {
        currency: 'usd',
        unit_amount: 1500,
        recurring: { interval: 'month' },
        product_data: { name: 'Plan' },
      },
      on,
    );
    const sub = await stripe.subscriptions.create(
      { customer: customer.id, items: [{ price: price.id }], trial_period_days: 7 },
      on,
    );
    const now = Math.floor(Date.now() / 1000);
    const object = sub as unknown as object;
    const events = [
      fakeEvent({ type: 'customer.subscription.updated', account, created: now, object }),
      fakeEvent({ type: 'customer.subscription.created', account, created: now - 1, object }),
    ];
    // stored in one group commit: one job, so one batch takes both (two deliveries make two jobs, which two
    // of the worker's concurrent fetches can take apart)
    const sender = await startJobs(r.database, createLogger('silent'), { work: false, definitions: [] });
    try {
      await withSystem(r.database.db, 'webhooks.ingest', (tx) =>
        insertEvents(
          tx,
          sender,
          r.config,
          events.map((e) => inboundOf(e, 'connect')),
        ),
      );
    } finally {
      await sender.stop();
    }
    worker = await startWorker(config, r.database, createLogger('silent'), { stripe: new StripeRef(config) });
    try {
      const ids = events.map((e) => `'${e.id}'`).join(',');
      await waitFor(async () => {
        const rows = await systemRows<{ n: number }>(
          r.database,
          `select count(*)::int as n from stripe_events where id in (${ids}) and status = 'processed'`,
        );
        return rows[0]!.n === 2 ? true : null;
      }, 'both events processed');
      // the later event applied last (a millisecond after the earlier one's share of the fetch), as it
      // would have with a fetch of its own: a tie would have kept the earlier event's apply
      const mirror = await systemRows<{ event: string }>(
        r.database,
        `select last_event_id as event from stripe_objects where id = '${sub.id}' and account = '${account}'`,
      );
      expect(mirror).toEqual([{ event: events[0]!.id }]);
      // one refetch of the subscription served both events
      const reads = await fetch(
        `${r.config.STRIPE_API_BASE}/_sandbox/requests?path=/v1/subscriptions/${sub.id}`,
      );
      const log = (await reads.json()) as { data: { method: string }[] };
      expect(log.data.filter((x) => x.method === 'GET')).toHaveLength(1);
    } finally {
      await worker.stop();
      worker = null;
      await r.close();
    }
  });

  it('one statement keeps what writing the objects one by one would: the newest, the first of a tie', async () => {
    const account = `acct_direct_${Date.now()}`;
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    const fetched = (id: string, name: string, s: number, eventId: string) => ({
      tenantId: null,
      account,
      object: { id, object: 'customer', name } as { id: string; object: string },
      deleted: false,
      syncedAt: at(s),
      eventId,
    });
    const write = (objects: ReturnType<typeof fetched>[]) =>
      withSystem(t.database.db, 'webhooks.platform_events', (tx) => storeStripeObjects(tx, objects));
    // a stored row newer than anything in the batch stays
    await write([fetched('cus_kept', 'stored', 50, 'evt_stored')]);
    await write([
      fetched('cus_a', 'v2', 20, 'evt_2'),
      fetched('cus_a', 'v1', 10, 'evt_1'),
      fetched('cus_a', 'v2-tie', 20, 'evt_2b'),
      fetched('cus_b', 'first', 30, 'evt_b1'),
      fetched('cus_b', 'second', 30, 'evt_b2'),
      fetched('cus_kept', 'older', 40, 'evt_old'),
    ]);
    const rows = await systemRows<{ id: string; name: string; event: string }>(
      t.database,
      `select id, data->>'name' as name, last_event_id as event from stripe_objects
       where account = '${account}' order by id`,
    );
    expect(rows).toEqual([
      { id: 'cus_a', name: 'v2', event: 'evt_2' },
      { id: 'cus_b', name: 'first', event: 'evt_b1' },
      { id: 'cus_kept', name: 'stored', event: 'evt_stored' },
    ]);
  });
});
