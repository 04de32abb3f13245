import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallInfo, type GatewayPolicy, StripeFailure } from '../../src/stripe/gateway.ts';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { connectTenant, sandboxStripe, tenantApi } from '../helpers/payments.ts';
import { systemRows } from '../helpers/webhooks.ts';

/**
 * The seam the outage breaker and the queue of money-moving calls will use: a `GatewayPolicy` is told of
 * every Stripe call the app makes (what it does, its account, whether it moves money, its key), sees its
 * outcome, and may refuse it before it is sent. Shown through the API, with the real sandbox behind it.
 */
describe('the gateway policy', () => {
  const seen: { call: CallInfo; outcome: string }[] = [];
  let holdMoney = false;
  const policy: GatewayPolicy = {
    async run(call, send) {
      const entry = { call, outcome: 'pending' };
      seen.push(entry);
      if (holdMoney && call.movesMoney) {
        entry.outcome = 'refused';
        throw StripeFailure.notSent(call, 'unavailable', 'money-moving calls are held');
      }
      try {
        const result = await send();
        entry.outcome = 'ok';
        return result;
      } catch (err) {
        entry.outcome = err instanceof StripeFailure ? err.kind : 'other';
        throw err;
      }
    },
  };

  let t: TestApp;
  let tenant: TestTenant;
  let acct: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { CONNECT_ACCOUNT_KIND: 'standard' }, stripePolicy: policy });
    tenant = await createTestTenant(t, 'Policy');
    acct = await connectTenant(t, tenant);
  });
  afterAll(() => t?.close());

  it('is consulted around every call, told what it does, where, whether money moves and its key', async () => {
    seen.length = 0;
    const api = tenantApi(t, tenant);
    const customer = (await api('POST', '/customers', { email: 'policy@example.com' })).json();
    expect(customer.id).toBeTruthy();
    const saved = await api('POST', `/customers/${customer.id}/setup_intents`, {
      payment_method: 'pm_card_visa',
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const paid = await api('POST', '/payment_intents', {
      amount: 2500,
      currency: 'usd',
      customer: customer.id,
      off_session: true,
    });
    expect(paid.statusCode, paid.body).toBe(200);
    const [row] = await systemRows<{ id: string }>(
      t.database,
      `select id from payments where tenant_id = '${tenant.id}' and amount = 2500`,
    );

    const [createCustomer] = seen.filter((s) => s.call.purpose === 'customer');
    expect(createCustomer).toEqual({
      call: {
        action: 'create the customer',
        purpose: 'customer',
        account: acct,
        movesMoney: false,
        idempotencyKey: expect.stringMatching(/^tributary:customer:[0-9a-f-]{36}:1$/),
      },
      outcome: 'ok',
    });
    expect(seen.find((s) => s.call.purpose === 'setup_intent')?.call).toMatchObject({
      movesMoney: false,
      idempotencyKey: expect.stringMatching(/^tributary:setup_intent:/),
    });
    // a read sends no key of ours
    expect(seen.find((s) => s.call.action === 'read the payment method')?.call).toMatchObject({
      purpose: null,
      idempotencyKey: null,
      account: acct,
    });
    expect(seen.find((s) => s.call.purpose === 'payment_intent')).toEqual({
      call: {
        action: 'create the payment',
        purpose: 'payment_intent',
        account: acct,
        movesMoney: true,
        idempotencyKey: `tributary:payment_intent:${row!.id}:1`,
      },
      outcome: 'ok',
    });
    expect(seen.every((s) => s.outcome === 'ok')).toBe(true);
  });

  it('may refuse a call: it is never sent, so nothing is kept for it, and the caller is told so', async () => {
    const api = tenantApi(t, tenant);
    const customer = (await api('POST', '/customers', { email: 'held@example.com' })).json();
    await api('POST', `/customers/${customer.id}/setup_intents`, { payment_method: 'pm_card_visa' });
    holdMoney = true;
    try {
      seen.length = 0;
      const held = await api('POST', '/payment_intents', {
        amount: 3100,
        currency: 'usd',
        customer: customer.id,
        off_session: true,
      });
      expect(held.statusCode, held.body).toBe(503);
      expect(held.json().error).toMatchObject({
        code: 'service_unavailable',
        message: 'Stripe is not being called now (create the payment); nothing was done. Retry later.',
      });
      expect(seen.map((s) => [s.call.purpose, s.outcome])).toEqual([['payment_intent', 'refused']]);
      // not sent: the row is undone (a transient failure of a sent call would have kept it pending)
      const rows = await systemRows(
        t.database,
        `select id from payments where tenant_id = '${tenant.id}' and amount = 3100`,
      );
      expect(rows).toEqual([]);
      const made = await sandboxStripe(t).paymentIntents.list(
        { customer: customer.stripe_customer_id },
        { stripeAccount: acct },
      );
      expect(made.data).toEqual([]);
      // calls that move no money go on
      const other = await api('POST', '/customers', { email: 'still@example.com' });
      expect(other.statusCode).toBe(200);
    } finally {
      holdMoney = false;
    }
  });
});
