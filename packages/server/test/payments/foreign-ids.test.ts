import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { connectTenant, sandboxStripe, tenantApi } from '../helpers/payments.ts';
import { systemRows } from '../helpers/webhooks.ts';

/**
 * Ids in request bodies. A raw `pm_…` is taken only when it is the customer's own or
 * attached to no customer yet; another customer's (any tenant's) is a 404 like a missing one, and nothing is
 * attached or charged. Customers, prices and products in bodies resolve through the caller's own rows.
 */
for (const kind of ['standard', 'express'] as const) {
  describe(`ids of another tenant in request bodies (${kind}-like)`, () => {
    let t: TestApp;
    let a: TestTenant;
    let b: TestTenant;
    let acctA: string;
    let acctB: string;
    let custA: { id: string; stripe_customer_id: string };
    let custB: { id: string; stripe_customer_id: string };
    /** B's saved card: our id and Stripe's */
    let pmB: { id: string; stripe_payment_method_id: string };
    let priceB: { id: string; product: string };
    const onA = () => (kind === 'standard' ? { stripeAccount: acctA } : undefined);
    const onB = () => (kind === 'standard' ? { stripeAccount: acctB } : undefined);

    /** Every payment method row of A's first customer, as the database holds it (read past RLS). */
    const methodsOfA = () =>
      systemRows<{ stripe_payment_method_id: string }>(
        t.database,
        `select stripe_payment_method_id from payment_methods where tenant_id = '${a.id}'
           and customer_id = (select id from customers where stripe_customer_id = '${custA.stripe_customer_id}')`,
      );

    beforeAll(async () => {
      t = await startTestApp({ env: { CONNECT_ACCOUNT_KIND: kind } });
      a = await createTestTenant(t, `Foreign ids A ${kind}`);
      b = await createTestTenant(t, `Foreign ids B ${kind}`);
      acctA = await connectTenant(t, a);
      acctB = await connectTenant(t, b);
      const apiA = tenantApi(t, a);
      const apiB = tenantApi(t, b);
      custA = (await apiA('POST', '/customers', { email: `a-${kind}@example.com` })).json();
      custB = (await apiB('POST', '/customers', { email: `b-${kind}@example.com` })).json();
      const saved = await apiB('POST', `/customers/${custB.id}/setup_intents`, {
        payment_method: 'pm_card_visa',
      });
      expect(saved.statusCode, saved.body).toBe(200);
      pmB = saved.json().payment_method;
      const product = (await apiB('POST', '/products', { name: `B plan ${kind}` })).json();
      priceB = (
        await apiB('POST', '/prices', { product: product.id, unit_amount: 1500, interval: 'month' })
      ).json();
    });
    afterAll(() => t?.close());

    it("refuses B's customer's pm_… on A's setup intent with 404, attaching nothing", async () => {
      // without making it the default, nothing on Stripe's side would refuse it (the method is left where
      // it is and our row would point A's customer at it)
      const setup = (set_default: boolean) =>
        tenantApi(t, a)('POST', `/customers/${custA.id}/setup_intents`, {
          payment_method: pmB.stripe_payment_method_id,
          set_default,
        });
      const quiet = await setup(false);
      expect(quiet.statusCode, quiet.body).toBe(404);
      const res = await setup(true);
      for (const r of [quiet, res]) {
        expect(r.statusCode, r.body).toBe(404);
        expect(r.json().error).toMatchObject({ code: 'resource_missing', param: 'payment_method' });
        expect(r.body).not.toContain(custB.stripe_customer_id);
        expect(r.body).not.toContain(acctB);
      }
      // the same answer as for a method that does not exist
      const missing = await tenantApi(t, a)('POST', `/customers/${custA.id}/setup_intents`, {
        payment_method: 'pm_1NoSuchMethodAnywhere',
      });
      expect(missing.statusCode, missing.body).toBe(404);
      expect(missing.json().error.code).toBe('resource_missing');
      expect(missing.json().error.message.replace('pm_1NoSuchMethodAnywhere', 'X')).toBe(
        res.json().error.message.replace(pmB.stripe_payment_method_id, 'X'),
      );

      expect(await methodsOfA()).toEqual([]);
      const stripe = sandboxStripe(t);
      const pm = await stripe.paymentMethods.retrieve(pmB.stripe_payment_method_id, {}, onB());
      expect(pm.customer).toBe(custB.stripe_customer_id);
      const intents = await stripe.setupIntents.list({ customer: custA.stripe_customer_id }, onA());
      expect(intents.data.filter((si) => si.status === 'succeeded')).toEqual([]);
    });

    it("refuses the method of another of A's own customers with 404", async () => {
      const apiA = tenantApi(t, a);
      const other = (await apiA('POST', '/customers', { email: `a2-${kind}@example.com` })).json();
      const saved = await apiA('POST', `/customers/${other.id}/setup_intents`, {
        payment_method: 'pm_card_mastercard',
      });
      expect(saved.statusCode, saved.body).toBe(200);
      const theirs = saved.json().payment_method.stripe_payment_method_id as string;
      const res = await apiA('POST', `/customers/${custA.id}/setup_intents`, {
        payment_method: theirs,
        set_default: false,
      });
      expect(res.statusCode, res.body).toBe(404);
      expect(res.json().error).toMatchObject({ code: 'resource_missing', param: 'payment_method' });
      const rows = await systemRows<{ customer_id: string }>(
        t.database,
        `select customer_id from payment_methods where stripe_payment_method_id = '${theirs}'`,
      );
      expect(rows).toHaveLength(1);
      const pm = await sandboxStripe(t).paymentMethods.retrieve(theirs, {}, onA());
      expect(pm.customer).toBe(other.stripe_customer_id);
    });

    it("refuses B's methods on A's payment intent with 404, charging nothing", async () => {
      const apiA = tenantApi(t, a);
      for (const payment_method of [pmB.stripe_payment_method_id, pmB.id]) {
        const res = await apiA('POST', '/payment_intents', {
          amount: 2500,
          currency: 'usd',
          customer: custA.id,
          payment_method,
          off_session: true,
        });
        expect(res.statusCode, res.body).toBe(404);
        expect(res.json().error).toMatchObject({ code: 'resource_missing', param: 'payment_method' });
      }
      const stripe = sandboxStripe(t);
      const onPlatformOrA = await stripe.paymentIntents.list({ customer: custA.stripe_customer_id }, onA());
      expect(onPlatformOrA.data).toEqual([]);
      const onBsCustomer = await stripe.paymentIntents.list({ customer: custB.stripe_customer_id }, onB());
      expect(onBsCustomer.data).toEqual([]);
    });

    it("takes a fresh method (a test token, a Stripe.js one) and A's own, and charges A's own", async () => {
      const apiA = tenantApi(t, a);
      const token = await apiA('POST', `/customers/${custA.id}/setup_intents`, {
        payment_method: 'pm_card_visa',
        set_default: true,
      });
      expect(token.statusCode, token.body).toBe(200);
      expect(token.json().status).toBe('succeeded');
      const own = token.json().payment_method as { id: string; stripe_payment_method_id: string };

      // what Stripe.js makes in the customer's browser: a method on the customer's account, attached to no one
      const fresh: Stripe.PaymentMethod = await sandboxStripe(t).paymentMethods.create(
        { type: 'card', card: { token: 'tok_mastercard' } },
        onA(),
      );
      const js = await apiA('POST', `/customers/${custA.id}/setup_intents`, {
        payment_method: fresh.id,
        set_default: false,
      });
      expect(js.statusCode, js.body).toBe(200);
      expect(js.json().payment_method.stripe_payment_method_id).toBe(fresh.id);

      // the customer's own method again (saving it twice changes nothing)
      const again = await apiA('POST', `/customers/${custA.id}/setup_intents`, {
        payment_method: own.stripe_payment_method_id,
        set_default: false,
      });
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json().payment_method.id).toBe(own.id);

      const paid = await apiA('POST', '/payment_intents', {
        amount: 3100,
        currency: 'usd',
        customer: custA.id,
        payment_method: own.id,
        off_session: true,
      });
      expect(paid.statusCode, paid.body).toBe(200);
      expect(paid.json().status).toBe('succeeded');
      expect((await methodsOfA()).map((m) => m.stripe_payment_method_id).sort()).toEqual(
        [own.stripe_payment_method_id, fresh.id].sort(),
      );
    });

    it("answers 404 for B's customer, price and product in A's subscription, price and invoice bodies", async () => {
      const apiA = tenantApi(t, a);
      const productA = (await apiA('POST', '/products', { name: `A plan ${kind}` })).json();
      const priceA = (
        await apiA('POST', '/prices', { product: productA.id, unit_amount: 900, interval: 'month' })
      ).json();
      const cases: [string, string, object, string][] = [
        ['POST', '/subscriptions', { customer: custB.id, price: priceA.id }, 'customer'],
        ['POST', '/subscriptions', { customer: custA.id, price: priceB.id }, 'price'],
        ['POST', '/prices', { product: priceB.product, unit_amount: 100, interval: 'month' }, 'product'],
        [
          'POST',
          '/invoices',
          { customer: custB.id, lines: [{ description: 'x', quantity: 1, unit_amount: 500 }] },
          'customer',
        ],
        // Stripe's own ids are never taken for ours
        ['POST', '/subscriptions', { customer: custB.stripe_customer_id, price: priceA.id }, 'customer'],
        ['POST', '/payment_intents', { amount: 500, currency: 'usd', customer: custB.id }, 'customer'],
      ];
      for (const [method, url, body, param] of cases) {
        const res = await apiA(method as 'POST', url, body);
        expect(res.statusCode, `${url} ${JSON.stringify(body)}: ${res.body}`).toBe(404);
        expect(res.json().error).toMatchObject({ code: 'resource_missing', param });
      }
      const draft = (
        await apiA('POST', '/invoices', { lines: [{ description: 'y', quantity: 1, unit_amount: 700 }] })
      ).json();
      const moved = await apiA('POST', `/invoices/${draft.id}`, { customer: custB.id });
      expect(moved.statusCode, moved.body).toBe(404);
      expect(moved.json().error).toMatchObject({ code: 'resource_missing', param: 'customer' });
      const rows = await systemRows<{ n: number }>(
        t.database,
        `select (select count(*) from subscriptions where tenant_id = '${a.id}')::int
              + (select count(*) from invoices where tenant_id = '${a.id}' and customer_id is not null)::int as n`,
      );
      expect(rows[0]!.n).toBe(0);
    });
  });
}
