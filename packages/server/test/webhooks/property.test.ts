import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant } from '../helpers/app.ts';
import { mulberry32, shuffle } from '../helpers/random.ts';
import { deliver, ownerSql, type Pipeline, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';

const RUNS = Number(process.env.TRIBUTARY_PROPERTY_RUNS ?? 3);

/**
 * Out-of-order and duplicate delivery ends in the same domain state as in-order delivery: a realistic
 * sequence (payments, refunds, customers, connected account updates, a direct charge on the account) is
 * delivered in order by the sandbox, then for each seed the state is wiped and the same signed events are
 * delivered ×3, shuffled and concurrently.
 */
describe(`property: duplicated ×3 and shuffled delivery ends in the in-order state (${RUNS} seeds)`, () => {
  let p: Pipeline;
  let events: { event: Stripe.Event; path: string }[] = [];
  let objectIds: string[] = [];
  let inOrder: unknown[];

  const snapshot = () =>
    systemRows<Record<string, unknown>>(
      p.t.database,
      `select id, tenant_id, account, object, data, deleted from stripe_objects
       where id in (${objectIds.map((i) => `'${i}'`).join(',')}) order by id`,
    );
  const statuses = async () =>
    systemRows<{ id: string; status: string }>(
      p.t.database,
      `select id, status from stripe_events where id in (${events.map((e) => `'${e.event.id}'`).join(',')})`,
    );

  beforeAll(async () => {
    p = await startPipeline();
    const tenant = await createTestTenant(p.t);
    const s = p.stripe;
    const acct = await s.accounts.create({ type: 'standard' });
    await ownerSql(
      p.t.database,
      `update tenants set stripe_account_id = '${acct.id}' where id = '${tenant.id}'`,
    );
    const customer = await s.customers.create({ email: 'prop@example.com' });
    await s.customers.update(customer.id, { metadata: { tier: 'gold' } });
    const pi = await s.paymentIntents.create({
      amount: 5000,
      currency: 'usd',
      customer: customer.id,
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    await s.refunds.create({ payment_intent: pi.id, amount: 1500 });
    await s.refunds.create({ payment_intent: pi.id, amount: 500 });
    await s.accounts.update(acct.id, { metadata: { plan: 'pro' } });
    await s.accounts.update(acct.id, { metadata: { plan: 'enterprise' } });
    const opts = { stripeAccount: acct.id };
    const cc = await s.customers.create({ email: 'on-account@example.com' }, opts);
    const direct = await s.paymentIntents.create(
      { amount: 1200, currency: 'usd', customer: cc.id, payment_method: 'pm_card_visa', confirm: true },
      opts,
    );
    await s.refunds.create({ payment_intent: direct.id }, opts);
    const platformEvents = (await s.events.list({ limit: 100 })).data.map((event) => ({
      event,
      path: '/webhooks/stripe',
    }));
    const accountEvents = (await s.events.list({ limit: 100 }, opts)).data.map((event) => ({
      event,
      path: '/webhooks/stripe/connect',
    }));
    events = [...platformEvents, ...accountEvents].filter(
      (e) => (e.event.type as string) !== 'account.created',
    );
    // in order: the sandbox's own deliveries, processed by the worker
    await waitFor(async () => {
      const st = await statuses();
      return (
        st.length === events.length && st.every((r) => r.status === 'processed' || r.status === 'ignored')
      );
    }, 'in-order processing');
    objectIds = (
      await systemRows<{ id: string }>(
        p.t.database,
        `select id from stripe_objects where last_event_id in (${events.map((e) => `'${e.event.id}'`).join(',')})`,
      )
    ).map((r) => r.id);
    inOrder = await snapshot();
  });
  afterAll(() => p.close());

  it('the sequence touches payments, refunds, customers and accounts', () => {
    const kinds = new Set((inOrder as { object: string }[]).map((o) => o.object));
    for (const k of ['payment_intent', 'charge', 'refund', 'customer', 'account']) expect(kinds).toContain(k);
  });

  for (let seed = 1; seed <= RUNS; seed++) {
    it(`seed ${seed}`, async () => {
      const ids = events.map((e) => `'${e.event.id}'`).join(',');
      await ownerSql(
        p.t.database,
        `delete from stripe_objects where id in (${objectIds.map((i) => `'${i}'`).join(',')});
         delete from stripe_events where id in (${ids})`,
      );
      const rand = mulberry32(seed);
      const copies = shuffle([...events, ...events, ...events], rand);
      // deliveries in concurrent waves of random size, as Stripe's retries overlap
      while (copies.length > 0) {
        const wave = copies.splice(0, 1 + Math.floor(rand() * 6));
        const res = await Promise.all(
          wave.map((e) => deliver(p.t, JSON.stringify(e.event), { path: e.path })),
        );
        for (const r of res) expect(r.statusCode, r.body).toBe(200);
      }
      await waitFor(async () => {
        const st = await statuses();
        return (
          st.length === events.length && st.every((r) => r.status === 'processed' || r.status === 'ignored')
        );
      }, `seed ${seed} processed`);
      expect(await snapshot()).toEqual(inOrder);
    });
  }
});
