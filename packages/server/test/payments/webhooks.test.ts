import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { fromPublicId } from '../../src/http/ids.ts';
import type { toApiPayment } from '../../src/payments/charges/schemas.ts';
import { bearer, createTestTenant, sessionFor, type TestTenant } from '../helpers/app.ts';
import { authenticate, connectTenant, paidPayment, sandboxAdmin, tenantApi } from '../helpers/payments.ts';
import { type Pipeline, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';

/**
 * Payments driven end to end through the webhook pipeline: the sandbox delivers signed events, the worker
 * refetches and applies them. Express-like tenants take destination charges, whose events arrive on the
 * platform account and are routed to the tenant by the payment's row; Standard-like tenants take direct
 * charges, whose events come from their account.
 */
type ApiPayment = ReturnType<typeof toApiPayment>;

for (const kind of ['express', 'standard'] as const) {
  const direct = kind === 'standard';
  /** Stripe-Account for objects of the tenant's charges (the test plays Stripe.js and Stripe's dashboard). */
  const on = (acct: string) => (direct ? { stripeAccount: acct } : undefined);
  describe(`payments through webhooks (${kind}-like, ${direct ? 'direct' : 'destination'} charges)`, () => {
    let p: Pipeline;
    let tenant: TestTenant;
    let api: ReturnType<typeof tenantApi>;
    let customerId: string;
    let acct: string;

    beforeAll(async () => {
      // the platform's app mails owner alerts here: the dispute webhook carries `notify`
      p = await startPipeline({
        PLATFORM_FEE_BPS: '250',
        CONNECT_ACCOUNT_KIND: kind,
        OWNER_ALERTS_SENDER: 'platform',
      });
      tenant = await createTestTenant(p.t, `Webhook payments ${kind}`);
      await sessionFor(p.t, tenant, 'owner-alerts@example.com', 'owner');
      acct = await connectTenant(p.t, tenant);
      api = tenantApi(p.t, tenant);
      customerId = (await api('POST', '/customers', { email: 'payer@example.com' })).json().id;
    });
    afterAll(() => p.close());

    const payment = (id: string) => api('GET', `/payments/${id}`).then((r) => r.json());
    const outbound = (type: string, needle: string) =>
      waitFor(async () => {
        const rows = await systemRows<{ tenant_id: string | null; data: Record<string, unknown> }>(
          p.t.database,
          `select tenant_id, data from outbound_events where type = '${type}' and data::text like '%${needle}%'`,
        );
        return rows[0];
      }, `outbound ${type}`);

    it('a decline (4000 0000 0000 0002) on-session is recorded with its failure; payment.failed goes out', async () => {
      const created = await api('POST', '/payment_intents', {
        amount: 2000,
        currency: 'usd',
        customer: customerId,
      });
      const pay = created.json();
      expect(pay.client_secret).toMatch(/_secret_/);
      // the customer's browser confirms with Stripe.js (on the account the charge is made on)
      await expect(
        p.stripe.paymentIntents.confirm(
          pay.stripe.payment_intent,
          { payment_method: 'pm_card_chargeDeclined' },
          on(acct),
        ),
      ).rejects.toMatchObject({ type: 'StripeCardError' });
      // payment_intent.payment_failed marks it failed; charge.failed (maybe a later batch) adds the card
      const failed = await waitFor(async () => {
        const r = await payment(pay.id);
        return r.status === 'failed' && r.payment_method ? r : null;
      }, 'payment failed, with its card');
      expect(failed).toMatchObject({
        failure_code: 'card_declined',
        failure_message: 'Your card was declined.',
      });
      expect(failed.payment_method).toMatchObject({ brand: 'visa', last4: '0002' });
      const event = await outbound('payment.failed', pay.id);
      expect(event.tenant_id).toBe(tenant.id);
      expect((event.data.payment as { id: string }).id).toBe(pay.id);

      // the customer tries again with another card: a second charge, a second row; the decline stays
      const pi = pay.stripe.payment_intent as string;
      await p.stripe.paymentIntents.confirm(pi, { payment_method: 'pm_card_visa' }, on(acct));
      const rows = await waitFor(async () => {
        const list = (await api('GET', `/payments?q=${pi}`)).json().data as ApiPayment[];
        return list.length === 2 && list[0]!.fees.final ? list : null;
      }, 'the second attempt recorded');
      const [second, first] = rows as [ApiPayment, ApiPayment];
      expect(first).toMatchObject({ id: pay.id, status: 'failed', failure_code: 'card_declined' });
      expect(first.fees).toMatchObject({ application_fee: 0, stripe_fee: 0, tenant_net: 0, platform_net: 0 });
      expect(second).toMatchObject({ status: 'succeeded', amount: 2000, failure_code: null });
      expect(second.payment_method).toMatchObject({ last4: '4242' });
      expect(second.stripe.payment_intent).toBe(pi);
      expect(second.stripe.charge).not.toBe(first.stripe.charge);
      expect(second.customer).toBe(customerId);
      expect(second.fees.stripe_fee).toBe(88); // 2.9% + 30 of $20.00
      // a refund goes to the charge that succeeded; the declined one cannot be refunded
      const bad = await api('POST', `/payments/${first.id}/refunds`, {});
      expect(bad.statusCode).toBe(409);
      expect(bad.json().error.code).toBe('payment_not_refundable');
      const refund = await api('POST', `/payments/${second.id}/refunds`, { amount: 500 });
      expect(refund.statusCode, refund.body).toBe(200);
      expect((await payment(second.id)).amount_refunded).toBe(500);
    });

    /** The customer's default once `setup_intent.succeeded` and its follow-up have run. */
    const defaultOnceSettled = async (customerId: string, setupIntent: string) => {
      await waitFor(
        async () =>
          (
            await systemRows(
              p.t.database,
              `select id from stripe_events where type = 'setup_intent.succeeded'
                 and payload->'data'->'object'->>'id' = '${setupIntent}' and status = 'processed'`,
            )
          )[0],
        'setup_intent.succeeded processed',
      );
      await waitFor(async () => {
        const [row] = await queryRows<{ n: number }>(
          p.t.database.db,
          sql`select count(*)::int as n from pgboss.job where name = 'billing-followup'
                and data->>'kind' = 'default_payment_method'
                and data->>'customerId' = ${fromPublicId('customer', customerId)}
                and state in ('created', 'retry', 'active')`,
        );
        return row!.n === 0;
      }, 'default_payment_method follow-ups done');
      return (await api('GET', `/customers/${customerId}`)).json().default_payment_method as string | null;
    };

    it('3-D Secure: saved after authenticating on setup (webhook), then a payment redirects and succeeds', async () => {
      const c = (await api('POST', '/customers', { email: 'threeds@example.com' })).json();
      const setup = await api('POST', `/customers/${c.id}/setup_intents`, {
        payment_method: 'pm_card_authenticationRequired',
        return_url: 'https://app.example.com/saved',
      });
      expect(setup.json().status).toBe('requires_action');
      expect((await api('GET', `/customers/${c.id}`)).json().default_payment_method).toBeNull();
      await authenticate(setup.json().next_action.url, 'complete');
      const method = await waitFor(async () => {
        const list = (await api('GET', `/customers/${c.id}/payment_methods`)).json().data;
        return list[0];
      }, 'payment_method.attached applied');
      expect(method).toMatchObject({ type: 'card', card: { last4: '3184' } });
      // the customer had no default: the card saved after authenticating becomes it (setup_intent.succeeded)
      expect(await defaultOnceSettled(c.id, setup.json().id)).toBe(method.id);
      const listed = (await api('GET', `/customers/${c.id}/payment_methods`)).json().data;
      expect(listed).toMatchObject([{ id: method.id, is_default: true }]);
      const stripeCustomer = (await api('GET', `/customers/${c.id}`)).json().stripe_customer_id;
      const onStripe = (await p.stripe.customers.retrieve(stripeCustomer, {}, on(acct))) as Stripe.Customer;
      expect(onStripe.invoice_settings.default_payment_method).toBe(method.stripe_payment_method_id);

      const res = await api('POST', '/payment_intents', {
        amount: 10_000,
        currency: 'usd',
        customer: c.id,
        payment_method: method.id,
        confirm: true,
        return_url: 'https://app.example.com/paid',
      });
      expect(res.statusCode, res.body).toBe(200);
      const pay = res.json();
      expect(pay.status).toBe('requires_action');
      expect(pay.next_action).toMatchObject({ type: 'redirect_to_url' });
      expect(pay.next_action.url).toContain('/3ds/authenticate/pi_');
      expect(pay.client_secret).toMatch(/_secret_/);
      const back = await authenticate(pay.next_action.url, 'complete');
      expect(back).toContain('https://app.example.com/paid?payment_intent=');
      const done = await waitFor(async () => {
        const r = await payment(pay.id);
        return r.status === 'succeeded' && r.fees.final ? r : null;
      }, 'payment succeeded by webhook');
      expect(done.fees).toMatchObject({
        stripe_fee: 320,
        application_fee: direct ? 250 : 570,
        tenant_net: 9430,
        platform_net: 250,
      });
      expect(done.next_action).toBeNull();
      await outbound('payment.succeeded', pay.id);
    });

    it('3-D Secure on setup for a customer with a default: the new card is saved, the default kept', async () => {
      const c = (await api('POST', '/customers', { email: 'has-default@example.com' })).json();
      const visa = (
        await api('POST', `/customers/${c.id}/setup_intents`, { payment_method: 'pm_card_visa' })
      ).json().payment_method;
      expect(visa.is_default).toBe(true);
      const setup = await api('POST', `/customers/${c.id}/setup_intents`, {
        payment_method: 'pm_card_authenticationRequiredOnSetup',
        return_url: 'https://app.example.com/saved',
      });
      expect(setup.json().status).toBe('requires_action');
      await authenticate(setup.json().next_action.url, 'complete');
      const second = await waitFor(async () => {
        const list = (await api('GET', `/customers/${c.id}/payment_methods`)).json().data;
        return list.find((m: { id: string }) => m.id !== visa.id);
      }, 'the second card stored');
      expect(second).toMatchObject({ card: { last4: '3155' }, is_default: false });
      expect(await defaultOnceSettled(c.id, setup.json().id)).toBe(visa.id);

      // set_default: false opts a first method out, after 3-D Secure too
      const d = (await api('POST', '/customers', { email: 'no-default@example.com' })).json();
      const optOut = await api('POST', `/customers/${d.id}/setup_intents`, {
        payment_method: 'pm_card_authenticationRequiredOnSetup',
        return_url: 'https://app.example.com/saved',
        set_default: false,
      });
      await authenticate(optOut.json().next_action.url, 'complete');
      await waitFor(async () => {
        const list = (await api('GET', `/customers/${d.id}/payment_methods`)).json().data;
        return list[0];
      }, 'the opted-out card stored');
      expect(await defaultOnceSettled(d.id, optOut.json().id)).toBeNull();
    });

    it("Checkout setup mode: Stripe's page saves the card (3-D Secure on setup), which becomes the default", async () => {
      const c = (await api('POST', '/customers', { email: 'checkout-setup@example.com' })).json();
      const res = await api('POST', `/customers/${c.id}/setup_sessions`, {
        success_url: 'https://app.example.com/saved?session={CHECKOUT_SESSION_ID}',
        cancel_url: 'https://app.example.com/account',
      });
      expect(res.statusCode, res.body).toBe(200);
      const session = res.json();
      expect(session).toMatchObject({ object: 'setup_session', id: expect.stringMatching(/^cs_/) });
      expect(session.url).toContain(`/c/pay/${session.id}`);
      expect(session.expires_at).toBeGreaterThan(Date.now() / 1000);
      expect(res.headers['cache-control']).toBe('no-store');
      // the customer's browser: the card form, then the 3-D Secure page, then back to success_url
      const posted = await fetch(session.url, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          card_number: '4000 0025 0000 3155',
          exp: '12 / 34',
          cvc: '123',
          email: 'checkout-setup@example.com',
        }).toString(),
      });
      const auth = String(posted.headers.get('location'));
      expect(auth).toContain('/3ds/authenticate/seti_');
      const back = await authenticate(auth, 'complete');
      const done = await fetch(String(back), { redirect: 'manual' });
      expect(done.headers.get('location')).toBe(`https://app.example.com/saved?session=${session.id}`);

      const cs = await p.stripe.checkout.sessions.retrieve(session.id, {}, on(acct));
      expect(cs).toMatchObject({ mode: 'setup', status: 'complete' });
      const si = await p.stripe.setupIntents.retrieve(String(cs.setup_intent), {}, on(acct));
      expect(si).toMatchObject({
        status: 'succeeded',
        metadata: { tributary_customer: c.id, tributary_tenant: tenant.publicId },
        // a platform customer saves the method for the tenant's business
        on_behalf_of: direct ? null : acct,
      });
      const method = await waitFor(async () => {
        const list = (await api('GET', `/customers/${c.id}/payment_methods`)).json().data;
        return list[0];
      }, 'payment_method.attached applied');
      expect(method).toMatchObject({ type: 'card', card: { last4: '3155' } });
      expect(await defaultOnceSettled(c.id, si.id)).toBe(method.id);
      // and the default is what an off-session payment uses
      const pay = await api('POST', '/payment_intents', {
        amount: 1500,
        currency: 'usd',
        customer: c.id,
        off_session: true,
      });
      expect(pay.json()).toMatchObject({ status: 'succeeded', payment_method: { last4: '3155' } });

      const audit = (await api('GET', '/audit_log?limit=100')).json().data;
      expect(audit.map((a: { action: string }) => a.action)).toEqual(
        expect.arrayContaining(['customer.setup_session_created', 'customer.default_payment_method_set']),
      );

      // a bank account on the same page (payment_method_type us_bank_account): saved, then the default
      const b = (await api('POST', '/customers', { email: 'checkout-ach@example.com' })).json();
      const bankSession = (
        await api('POST', `/customers/${b.id}/setup_sessions`, {
          success_url: 'https://app.example.com/saved',
          cancel_url: 'https://app.example.com/account',
          payment_method_type: 'us_bank_account',
        })
      ).json();
      const saved = await fetch(bankSession.url, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          method: 'us_bank_account',
          routing_number: '110000000',
          account_number: '000123456789',
          account_holder: 'Pat Doe',
        }).toString(),
      });
      expect(saved.headers.get('location')).toBe('https://app.example.com/saved');
      const bankCs = await p.stripe.checkout.sessions.retrieve(bankSession.id, {}, on(acct));
      const bankMethod = await waitFor(async () => {
        const list = (await api('GET', `/customers/${b.id}/payment_methods`)).json().data;
        return list[0];
      }, 'the bank account stored');
      expect(bankMethod).toMatchObject({ type: 'us_bank_account', us_bank_account: { last4: '6789' } });
      expect(await defaultOnceSettled(b.id, String(bankCs.setup_intent))).toBe(bankMethod.id);
    });

    it('ACH: a bank debit settles later from webhooks; a failing account is recorded as failed', async () => {
      const bank = async (account: string) => {
        const c = (await api('POST', '/customers', { email: `ach-${account}@example.com` })).json();
        const saved = await api('POST', `/customers/${c.id}/setup_intents`, {
          us_bank_account: {
            routing_number: '110000000',
            account_number: account,
            account_holder_name: 'Pat Doe',
          },
        });
        expect(saved.json()).toMatchObject({
          status: 'succeeded',
          payment_method: { type: 'us_bank_account' },
        });
        const pay = await api('POST', '/payment_intents', {
          amount: 10_000,
          currency: 'usd',
          customer: c.id,
          off_session: true,
        });
        expect(pay.json().status).toBe('processing');
        return pay.json();
      };
      const good = await bank('000123456789');
      const bad = await bank('000222222227');
      await sandboxAdmin(p.t, 'payment_intents/settle');
      const settled = await waitFor(async () => {
        const r = await payment(good.id);
        return r.status === 'succeeded' && r.fees.final ? r : null;
      }, 'ACH settled');
      // ACH costs 0.8 % (capped at $5): on Express-like accounts less than the card estimate passed through
      expect(settled.fees).toMatchObject(
        direct
          ? { stripe_fee: 80, application_fee: 250, tenant_net: 9670, platform_net: 250 }
          : { stripe_fee: 80, application_fee: 570, tenant_net: 9430, platform_net: 490 },
      );
      expect(settled.payment_method).toMatchObject({ type: 'us_bank_account', last4: '6789' });
      const failed = await waitFor(async () => {
        const r = await payment(bad.id);
        return r.status === 'failed' ? r : null;
      }, 'ACH failed');
      expect(failed.failure_code).toBe('insufficient_funds');
      await outbound('payment.failed', bad.id);
    });

    it('dispute card (4000 0000 0000 0259): recorded, owners alerted; evidence with a file submitted', async () => {
      const { payment: pay } = await paidPayment(api, 'disputer@example.com', 'pm_card_createDispute', 4000);
      expect(pay.status).toBe('succeeded');
      const dispute = await waitFor(async () => {
        const list = (await api('GET', '/disputes?limit=100')).json().data;
        return list.find((d: { payment: string }) => d.payment === pay.id);
      }, 'dispute recorded');
      expect(dispute).toMatchObject({ amount: 4000, reason: 'fraudulent', status: 'needs_response' });
      expect(dispute.evidence_due_by).toBeGreaterThan(Date.now() / 1000);
      expect((await payment(pay.id)).dispute_status).toBe('needs_response');
      const opened = await outbound('dispute.opened', dispute.id);
      expect(opened.tenant_id).toBe(tenant.id);
      expect(opened.data).toMatchObject({
        notify: ['owner-alerts@example.com'],
        evidence_due_by: dispute.evidence_due_by,
      });

      const pdf = Buffer.from('%PDF-1.4 signed service agreement').toString('base64');
      const res = await api('POST', `/disputes/${dispute.id}/evidence`, {
        evidence: {
          uncategorized_text: 'winning_evidence: the customer signed the agreement',
          customer_name: 'Pat',
        },
        files: [{ field: 'service_documentation', filename: 'agreement.pdf', content_base64: pdf }],
      });
      expect(res.statusCode, res.body).toBe(200);
      const after = res.json();
      expect(after.status).toBe('won');
      expect(after.evidence_submitted_at).toBeGreaterThan(0);
      expect(after.files).toEqual([
        {
          id: expect.stringMatching(/^file_/),
          filename: 'agreement.pdf',
          field: 'service_documentation',
          size: 33,
        },
      ]);
      const onStripe = (await p.stripe.disputes.retrieve(
        dispute.stripe_dispute_id,
        {},
        on(acct),
      )) as Stripe.Dispute;
      expect(onStripe.evidence.service_documentation).toBe(after.files[0].id);
      const again = await api('POST', `/disputes/${dispute.id}/evidence`, {
        evidence: { customer_name: 'x' },
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('dispute_not_open');
      await outbound('dispute.closed', dispute.id);
    });

    it('a refund is confirmed by charge.refunded; the platform hears payment.refunded', async () => {
      const { payment: pay } = await paidPayment(api, 'refund@example.com', 'pm_card_visa', 3000);
      const refund = await api('POST', `/payments/${pay.id}/refunds`, { amount: 1000 });
      expect(refund.json().status, refund.body).toBe('succeeded');
      const event = await outbound('payment.refunded', pay.id);
      expect((event.data.payment as { amount_refunded: number }).amount_refunded).toBe(1000);
      const list = await p.t.app.inject({
        method: 'GET',
        url: `/v1/tenants/${tenant.publicId}/refunds?payment=${pay.id}`,
        headers: bearer(tenant.key),
      });
      expect(list.json().data).toHaveLength(1);
    });

    // Stripe's test cards: 5126 refunds succeed, then fail (money back on the charge); 7726 refunds stay
    // pending, then succeed. The sandbox settles them on /_sandbox/refunds/settle.
    it('a refund that fails later frees its amount again; a pending one succeeds later', async () => {
      const c = (await api('POST', '/customers', { email: 'refund-fail@example.com' })).json();
      const paid = async (pm: string) => {
        const pay = (
          await api('POST', '/payment_intents', { amount: 4000, currency: 'usd', customer: c.id })
        ).json();
        await p.stripe.paymentIntents.confirm(pay.stripe.payment_intent, { payment_method: pm }, on(acct));
        return waitFor(async () => {
          const r = await payment(pay.id);
          return r.status === 'succeeded' ? r : null;
        }, `${pm} paid`);
      };
      const refundOf = async (id: string) =>
        (
          await p.t.app.inject({
            method: 'GET',
            url: `/v1/tenants/${tenant.publicId}/refunds?payment=${id}`,
            headers: bearer(tenant.key),
          })
        ).json().data;

      const failing = await paid('pm_card_refundFail');
      const first = await api('POST', `/payments/${failing.id}/refunds`, { amount: 4000 });
      expect(first.json().status, first.body).toBe('succeeded');
      expect((await payment(failing.id)).amount_refunded).toBe(4000);
      // charge.refunded handled first (its refetch must not be what brings the money back)
      await outbound('payment.refunded', failing.id);
      await sandboxAdmin(p.t, 'refunds/settle', { refund: first.json().stripe_refund_id });
      const failed = await waitFor(async () => {
        const [r] = await refundOf(failing.id);
        const pay = await payment(failing.id);
        return r?.status === 'failed' && pay.amount_refunded === 0 ? { r, pay } : null;
      }, 'refund failed and the charge resynced');
      expect(failed.r).toMatchObject({ amount: 4000, failure_reason: 'expired_or_canceled_card' });
      const heard = await outbound('refund.failed', first.json().id);
      expect(heard.tenant_id).toBe(tenant.id);
      // the amount is free again: a second refund is accepted
      const again = await api('POST', `/payments/${failing.id}/refunds`, { amount: 4000 });
      expect(again.statusCode, again.body).toBe(200);

      const slow = await paid('pm_card_pendingRefund');
      const pending = await api('POST', `/payments/${slow.id}/refunds`, { amount: 1500 });
      expect(pending.json().status, pending.body).toBe('pending');
      // a pending refund already holds its amount
      const over = await api('POST', `/payments/${slow.id}/refunds`, { amount: 3000 });
      expect(over.statusCode).toBe(409);
      expect(over.json().error.code).toBe('refund_exceeds_payment');
      await sandboxAdmin(p.t, 'refunds/settle', { refund: pending.json().stripe_refund_id });
      await waitFor(
        async () => (await refundOf(slow.id))[0]?.status === 'succeeded',
        'pending refund succeeded',
      );
      expect((await payment(slow.id)).amount_refunded).toBe(1500);
    });

    it('replaying every event of a payment in reverse order leaves the record as it was', async () => {
      const { payment: pay } = await paidPayment(api, 'replay@example.com', 'pm_card_visa', 7700);
      await api('POST', `/payments/${pay.id}/refunds`, { amount: 700 });
      await outbound('payment.refunded', pay.id);
      const strip = (r: Record<string, unknown>) => ({
        ...r,
        updated: 0,
        timeline: undefined,
        refunds: undefined,
      });
      const before = strip(await payment(pay.id));
      const events = await systemRows<{ id: string }>(
        p.t.database,
        `select id from stripe_events where payload::text like '%${pay.stripe.payment_intent}%' order by created desc, id desc`,
      );
      expect(events.length).toBeGreaterThan(3);
      for (const e of events) {
        const res = await p.t.app.inject({
          method: 'POST',
          url: `/v1/events/${e.id}/replay`,
          headers: bearer(p.t.platformKey),
        });
        expect(res.statusCode).toBe(200);
      }
      await waitFor(async () => {
        const rows = await systemRows<{ n: number }>(
          p.t.database,
          `select count(*)::int as n from stripe_events where id in (${events.map((e) => `'${e.id}'`).join(',')}) and status not in ('processed', 'ignored')`,
        );
        return rows[0]!.n === 0;
      }, 'replays processed').catch(async (err) => {
        const states = await systemRows(
          p.t.database,
          `select id, type, status, attempts, last_error from stripe_events where id in (${events.map((e) => `'${e.id}'`).join(',')})`,
        );
        throw new Error(`${err.message}: ${JSON.stringify(states)}`);
      });
      expect(strip(await payment(pay.id))).toEqual(before);
    });
  });
}
