import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abandonUnanswered, dropLeftoverOpenPayments } from '../../src/maintenance.ts';
import { bearer, createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { connectTenant, sandboxAdmin, sandboxStripe, tenantApi } from '../helpers/payments.ts';
import { ownerSql, systemRows } from '../helpers/webhooks.ts';

/**
 * Stripe does the work but its answers are lost (the sandbox drops the response of every one of the SDK's tries):
 * we answer 503, forget the request's Idempotency-Key as every 5xx does — and the caller's retry with that
 * key must reuse the first try's row and Stripe key, so the customer is charged, refunded or subscribed once.
 */
for (const kind of ['standard', 'express'] as const) {
  describe(`a lost Stripe answer, then the caller's retry (${kind}-like)`, () => {
    let t: TestApp;
    let tenant: TestTenant;
    let acct: string;
    let customer: { id: string; stripe_customer_id: string };
    const opts = () => (kind === 'standard' ? { stripeAccount: acct } : undefined);
    const post = (url: string, payload: object, key: string) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/tenants/${tenant.publicId}${url}`,
        headers: { ...bearer(tenant.key), 'idempotency-key': key },
        payload,
      });
    const dropAnswers = (path: string) =>
      sandboxAdmin(t, 'faults', {
        type: 'drop_response',
        count: t.config.STRIPE_MAX_NETWORK_RETRIES + 1,
        method: 'POST',
        path,
      });
    /** A 503 whose outcome is unknown says so, and how to retry safely. */
    const expectUnknownOutcome = (res: { statusCode: number; body: string; json(): { error: object } }) => {
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json().error).toMatchObject({
        code: 'service_unavailable',
        message: expect.stringMatching(/may have (happened|been done).*same Idempotency-Key/s),
      });
    };

    beforeAll(async () => {
      t = await startTestApp({ env: { CONNECT_ACCOUNT_KIND: kind } });
      tenant = await createTestTenant(t, `Retries ${kind}`);
      acct = await connectTenant(t, tenant);
      const api = tenantApi(t, tenant);
      customer = (await api('POST', '/customers', { email: `retry-${kind}@example.com` })).json();
      await api('POST', `/customers/${customer.id}/setup_intents`, { payment_method: 'pm_card_visa' });
    });
    afterAll(() => t?.close());

    it('a payment: charged once', async () => {
      const body = { amount: 10_000, currency: 'usd', customer: customer.id, off_session: true };
      await dropAnswers('/v1/payment_intents');
      const lost = await post('/payment_intents', body, `pay-${kind}`);
      expectUnknownOutcome(lost);
      const retried = await post('/payment_intents', body, `pay-${kind}`);
      expect(retried.statusCode, retried.body).toBe(200);
      expect(retried.json()).toMatchObject({ status: 'succeeded', amount: 10_000 });
      const stripe = sandboxStripe(t);
      const pis = await stripe.paymentIntents.list({ customer: customer.stripe_customer_id }, opts());
      expect(pis.data.filter((p) => p.status === 'succeeded')).toHaveLength(1);
      const rows = await systemRows<{ n: number }>(
        t.database,
        `select count(*)::int as n from payments where tenant_id = '${tenant.id}' and amount = 10000`,
      );
      expect(rows[0]!.n).toBe(1);
    });

    it('a refund: refunded once, its amount held meanwhile', async () => {
      const api = tenantApi(t, tenant);
      const pay = (
        await api('POST', '/payment_intents', {
          amount: 9000,
          currency: 'usd',
          customer: customer.id,
          off_session: true,
        })
      ).json();
      await dropAnswers('/v1/refunds');
      const lost = await post(`/payments/${pay.id}/refunds`, { amount: 3000 }, `refund-${kind}`);
      expectUnknownOutcome(lost);
      // the lost refund may have been made: its 3000 are held
      const over = await post(`/payments/${pay.id}/refunds`, { amount: 7000 }, `refund-over-${kind}`);
      expect(over.statusCode).toBe(409);
      expect(over.json().error.code).toBe('refund_exceeds_payment');
      const retried = await post(`/payments/${pay.id}/refunds`, { amount: 3000 }, `refund-${kind}`);
      expect(retried.statusCode, retried.body).toBe(200);
      expect(retried.json()).toMatchObject({ amount: 3000, status: 'succeeded' });
      const refunds = await sandboxStripe(t).refunds.list(
        { payment_intent: pay.stripe.payment_intent },
        opts(),
      );
      expect(refunds.data.map((r) => r.amount)).toEqual([3000]);
    });

    it('a subscription: subscribed once', async () => {
      const api = tenantApi(t, tenant);
      const product = (await api('POST', '/products', { name: `Plan ${kind}` })).json();
      const price = (
        await api('POST', '/prices', { product: product.id, unit_amount: 2500, interval: 'month' })
      ).json();
      const body = { customer: customer.id, price: price.id };
      await dropAnswers('/v1/subscriptions');
      const lost = await post('/subscriptions', body, `sub-${kind}`);
      expectUnknownOutcome(lost);
      const retried = await post('/subscriptions', body, `sub-${kind}`);
      expect(retried.statusCode, retried.body).toBe(200);
      const subs = await sandboxStripe(t).subscriptions.list(
        { customer: customer.stripe_customer_id, price: price.stripe_price_id },
        opts(),
      );
      expect(subs.data).toHaveLength(1);
      expect(retried.json().stripe.subscription).toBe(subs.data[0]!.id);
    });

    it('the key stays bound to its request: another body, another payment or, after the window, a new request', async () => {
      const api = tenantApi(t, tenant);
      const body = {
        amount: 4444,
        currency: 'usd',
        customer: customer.id,
        off_session: true,
        description: 'A',
      };
      await dropAnswers('/v1/payment_intents');
      expect((await post('/payment_intents', body, `bound-${kind}`)).statusCode).toBe(503);
      const changed = await post('/payment_intents', { ...body, description: 'B' }, `bound-${kind}`);
      expect(changed.statusCode, changed.body).toBe(400);
      expect(changed.json().error.code).toBe('idempotency_error');
      expect((await post('/payment_intents', body, `bound-${kind}`)).statusCode).toBe(200);
      const pis = await sandboxStripe(t).paymentIntents.list(
        { customer: customer.stripe_customer_id },
        opts(),
      );
      expect(pis.data.filter((p) => p.amount === 4444)).toHaveLength(1);

      // a refund's key used again for another payment
      const other = (
        await api('POST', '/payment_intents', {
          amount: 2000,
          currency: 'usd',
          customer: customer.id,
          off_session: true,
        })
      ).json();
      const first = (await api('GET', `/payments?q=${pis.data.find((p) => p.amount === 4444)!.id}`)).json()
        .data[0];
      await dropAnswers('/v1/refunds');
      expect(
        (await post(`/payments/${first.id}/refunds`, { amount: 1000 }, `rbound-${kind}`)).statusCode,
      ).toBe(503);
      const elsewhere = await post(`/payments/${other.id}/refunds`, { amount: 1000 }, `rbound-${kind}`);
      expect(elsewhere.statusCode).toBe(400);
      expect(elsewhere.json().error.code).toBe('idempotency_error');

      // past the idempotency window the key names a new request: a new payment, not the old row
      await ownerSql(
        t.database,
        `update payments set created_at = now() - interval '3 days' where request_key like '%:bound-${kind}';
         delete from idempotency_keys where key = 'bound-${kind}'`,
      );
      const later = await post('/payment_intents', { ...body, amount: 999 }, `bound-${kind}`);
      expect(later.statusCode, later.body).toBe(200);
      expect(later.json()).toMatchObject({ amount: 999, status: 'succeeded' });
    });

    it('a leftover open row of a PaymentIntent that succeeded on another row is dropped', async () => {
      const api = tenantApi(t, tenant);
      const pay = (
        await api('POST', '/payment_intents', {
          amount: 4321,
          currency: 'usd',
          customer: customer.id,
          off_session: true,
        })
      ).json();
      expect(pay.status).toBe('succeeded');
      await ownerSql(
        t.database,
        `insert into payments (tenant_id, stripe_account_id, account_kind, charge_type, stripe_payment_intent_id,
           amount, currency, status, platform_fee, application_fee_amount, stripe_fee, tenant_net, platform_net,
           updated_at)
         select tenant_id, stripe_account_id, account_kind, charge_type, stripe_payment_intent_id, amount, currency,
           'requires_payment_method', 0, 0, 0, 0, 0, now() - interval '2 hours'
         from payments where stripe_payment_intent_id = '${pay.stripe.payment_intent}'`,
      );
      const count = async () =>
        (
          await systemRows<{ n: number }>(
            t.database,
            `select count(*)::int as n from payments where stripe_payment_intent_id = '${pay.stripe.payment_intent}'`,
          )
        )[0]!.n;
      expect(await count()).toBe(2);
      expect(await dropLeftoverOpenPayments(t.database.db)).toBe(1);
      expect(await count()).toBe(1);
      expect((await api('GET', `/payments/${pay.id}`)).json().status).toBe('succeeded');
    });

    it('a request Stripe never received is given up after the idempotency window', async () => {
      // unreachable before doing anything: 500s on every try
      await sandboxAdmin(t, 'faults', {
        type: 'error',
        status: 500,
        count: 3,
        method: 'POST',
        path: '/v1/payment_intents',
      });
      const body = { amount: 1234, currency: 'usd', customer: customer.id, off_session: true };
      const lost = await post('/payment_intents', body, `never-${kind}`);
      expect(lost.statusCode).toBe(503);
      const [row] = await systemRows<{ id: string; status: string }>(
        t.database,
        `select id, status from payments where tenant_id = '${tenant.id}' and amount = 1234`,
      );
      expect(row).toMatchObject({ status: 'pending' });
      await ownerSql(
        t.database,
        `update payments set created_at = now() - interval '2 days' where id = '${row!.id}'`,
      );
      expect(await abandonUnanswered(t.database.db, t.config)).toBeGreaterThanOrEqual(1);
      const [after] = await systemRows<{ status: string; failure_code: string }>(
        t.database,
        `select status, failure_code from payments where id = '${row!.id}'`,
      );
      expect(after).toMatchObject({ status: 'canceled', failure_code: 'stripe_unreachable' });
    });
  });
}
