import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant } from '../helpers/app.ts';
import { connectTenant } from '../helpers/payments.ts';
import { mulberry32, shuffle } from '../helpers/random.ts';
import { deliver, ownerSql, type Pipeline, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';

const RUNS = Number(process.env.TRIBUTARY_PROPERTY_RUNS ?? 3);

/**
 * The payments records (one row per charge) end the same whatever the order: payments made on Stripe's side
 * (a hosted page would) — a PaymentIntent declined, then paid with another card and partly refunded; one
 * paid at once; one disputed — are first applied from the sandbox's own in-order deliveries; then for each seed the
 * records are wiped and the same signed events delivered ×3, shuffled, in concurrent waves.
 */
for (const kind of ['standard', 'express'] as const) {
  describe(`property: payment rows from shuffled, duplicated events (${kind}-like, ${RUNS} seeds)`, () => {
    let p: Pipeline;
    let events: { event: Stripe.Event; path: string }[] = [];
    let intents: string[] = [];
    let inOrder: unknown[];

    const rows = () =>
      systemRows<Record<string, unknown>>(
        p.t.database,
        `select stripe_payment_intent_id, stripe_charge_id, status, amount, currency, charge_type,
                payment_method_last4, application_fee_amount, stripe_fee, tenant_net, platform_net, fees_final,
                amount_refunded, failure_code,
                dispute_status,
                (select count(*)::int from refunds r where r.payment_id = payments.id) as refunds,
                (select count(*)::int from disputes d where d.payment_id = payments.id) as disputes
         from payments where stripe_payment_intent_id in (${intents.map((i) => `'${i}'`).join(',')})
         order by stripe_payment_intent_id, stripe_charge_id nulls first`,
      );
    const statuses = () =>
      systemRows<{ status: string }>(
        p.t.database,
        `select status from stripe_events where id in (${events.map((e) => `'${e.event.id}'`).join(',')})`,
      );
    const settled = async () => {
      const st = await statuses();
      return (
        st.length === events.length && st.every((r) => r.status === 'processed' || r.status === 'ignored')
      );
    };

    beforeAll(async () => {
      p = await startPipeline({ CONNECT_ACCOUNT_KIND: kind, PLATFORM_FEE_BPS: '250' });
      const tenant = await createTestTenant(p.t, `Property ${kind}`);
      const acct = await connectTenant(p.t, tenant);
      const s = p.stripe;
      const direct = kind === 'standard';
      const opts = direct ? { stripeAccount: acct } : undefined;
      const charge = direct
        ? { application_fee_amount: 250 }
        : { application_fee_amount: 570, on_behalf_of: acct, transfer_data: { destination: acct } };
      const since = Math.floor(Date.now() / 1000) - 1;
      const retried = await s.paymentIntents.create({ amount: 10_000, currency: 'usd', ...charge }, opts);
      await expect(
        s.paymentIntents.confirm(retried.id, { payment_method: 'pm_card_chargeDeclined' }, opts),
      ).rejects.toMatchObject({ type: 'StripeCardError' });
      await s.paymentIntents.confirm(retried.id, { payment_method: 'pm_card_visa' }, opts);
      await s.refunds.create({ payment_intent: retried.id, amount: 2500 }, opts);
      const once = await s.paymentIntents.create(
        { amount: 4200, currency: 'usd', payment_method: 'pm_card_mastercard', confirm: true, ...charge },
        opts,
      );
      const disputed = await s.paymentIntents.create(
        { amount: 3000, currency: 'usd', payment_method: 'pm_card_createDispute', confirm: true, ...charge },
        opts,
      );
      intents = [retried.id, once.id, disputed.id];
      const listed = (await s.events.list({ limit: 100, created: { gte: since } }, opts)).data;
      events = listed.map((event) => ({
        event,
        path: direct ? '/webhooks/stripe/connect' : '/webhooks/stripe',
      }));
      await waitFor(settled, 'in-order processing');
      inOrder = await rows();
    });
    afterAll(() => p?.close());

    it('in order: the declined attempt and the success are two rows, each with its own figures', () => {
      const first = (inOrder as Record<string, unknown>[]).filter(
        (r) => r.stripe_payment_intent_id === intents[0],
      );
      expect(first.map((r) => r.status).sort()).toEqual(['failed', 'succeeded']);
      const ok = first.find((r) => r.status === 'succeeded')!;
      expect(ok).toMatchObject({ stripe_fee: 320, tenant_net: 9430, amount_refunded: 2500, refunds: 1 });
      expect(first.find((r) => r.status === 'failed')).toMatchObject({
        failure_code: 'card_declined',
        application_fee_amount: 0,
        tenant_net: 0,
      });
      expect(inOrder).toHaveLength(4);
      expect(
        (inOrder as Record<string, unknown>[]).find((r) => r.stripe_payment_intent_id === intents[2]),
      ).toMatchObject({
        disputes: 1,
        dispute_status: 'needs_response',
      });
    });

    for (let seed = 1; seed <= RUNS; seed++) {
      it(`seed ${seed}`, async () => {
        const ids = events.map((e) => `'${e.event.id}'`).join(',');
        await ownerSql(
          p.t.database,
          `delete from payments where stripe_payment_intent_id in (${intents.map((i) => `'${i}'`).join(',')});
           delete from stripe_events where id in (${ids})`,
        );
        const rand = mulberry32(seed * 7919);
        const copies = shuffle([...events, ...events, ...events], rand);
        while (copies.length > 0) {
          const wave = copies.splice(0, 1 + Math.floor(rand() * 6));
          const res = await Promise.all(
            wave.map((e) => deliver(p.t, JSON.stringify(e.event), { path: e.path })),
          );
          for (const r of res) expect(r.statusCode, r.body).toBe(200);
        }
        await waitFor(settled, `seed ${seed} processed`);
        expect(await rows()).toEqual(inOrder);
      });
    }
  });
}
