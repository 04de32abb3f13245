import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPublicId } from '../../src/http/ids.ts';
import { createTestTenant, type TestTenant } from '../helpers/app.ts';
import { launchChromium } from '../helpers/browser.ts';
import { connectTenant, tenantApi } from '../helpers/payments.ts';
import { ownerSql, type Pipeline, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';

/**
 * Tenant invoices end to end against the sandbox, with signed webhooks and the worker: created → sent (a
 * single-use Payment Link) → a decline then 4242 in headless Chromium on the hosted page → paid by the
 * webhook, with the fee example on the payment row, for both account kinds; and a link paid twice in
 * a race → one payment kept, the other refunded.
 */
const lines = [
  { description: 'Design work', quantity: 2, unit_amount: 3000 },
  { description: 'Hosting', quantity: 1, unit_amount: 4000 },
];

for (const kind of ['standard', 'express'] as const) {
  describe(`invoices on ${kind}-like accounts`, () => {
    let p: Pipeline;
    let tenant: TestTenant;
    let browser: Browser;

    beforeAll(async () => {
      p = await startPipeline({
        CONNECT_ACCOUNT_KIND: kind,
        PLATFORM_FEE_BPS: '250',
        PLATFORM_FEE_PASS_THROUGH: 'true',
      });
      tenant = await createTestTenant(p.t, `Invoices ${kind}`);
      await connectTenant(p.t, tenant);
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      await p?.close();
    });

    const api = () => tenantApi(p.t, tenant);
    const getInvoice = async (id: string) => (await api()('GET', `/invoices/${id}`)).json();

    async function sentInvoice(extra: Record<string, unknown> = {}) {
      const created = await api()('POST', '/invoices', {
        lines,
        currency: 'usd',
        due_date: Math.floor(Date.now() / 1000) + 14 * 86400,
        notes: 'Thanks for your business',
        external_reference: `PRJ-${kind}-${Math.random().toString(36).slice(2, 8)}`,
        metadata: { project: 'p-1' },
        customer_email: 'client@example.com',
        ...extra,
      });
      expect(created.statusCode, created.body).toBe(200);
      expect(created.json()).toMatchObject({ status: 'draft', amount_total: 10_000, editable: true });
      const id = created.json().id as string;
      const sent = await api()('POST', `/invoices/${id}/send`);
      expect(sent.statusCode, sent.body).toBe(200);
      return sent.json();
    }

    it('created → sent → declined then paid in Chromium → paid by the webhook with the exact fees', async () => {
      const inv = await sentInvoice();
      expect(inv).toMatchObject({
        status: 'open',
        charge_type: kind === 'standard' ? 'direct' : 'destination',
        platform_fee: 250,
        application_fee_amount: kind === 'standard' ? 250 : 570,
      });
      expect(inv.payment_link.url).toMatch(/\/b\/test_/);
      // sending again returns the same link (deterministic idempotency key)
      const again = (await api()('POST', `/invoices/${inv.id}/send`)).json();
      expect(again.payment_link).toEqual(inv.payment_link);

      // the platform's app hears of it with the URL to email
      const sentEvents = await systemRows<{ data: { url: string; invoice: { id: string } } }>(
        p.t.database,
        `select data from outbound_events where type = 'invoice.sent'`,
      );
      expect(sentEvents.find((e) => e.data.invoice.id === inv.id)?.data.url).toBe(inv.payment_link.url);

      const page = await browser.newPage();
      try {
        await page.goto(inv.payment_link.url);
        expect(await page.textContent('#total')).toContain('100.00');
        const fill = async (card: string) => {
          await page.fill('#card_number', card);
          await page.fill('#exp', '12 / 34');
          await page.fill('#cvc', '123');
        };
        await fill('4000 0000 0000 0002');
        await page.click('#submit');
        await page.waitForSelector('#error');
        expect(await page.textContent('#error')).toContain('declined');

        // the decline is recorded against the invoice, which stays open
        const failed = await waitFor(async () => {
          const list = (await api()('GET', '/payments?status=failed')).json();
          return list.data.find((x: { invoice: string | null }) => x.invoice === inv.id);
        }, 'failed payment');
        expect(failed).toMatchObject({ failure_code: 'card_declined', amount: 10_000 });
        expect(await getInvoice(inv.id)).toMatchObject({
          status: 'open',
          last_payment_failure: { payment: failed.id, code: 'card_declined' },
        });

        await fill('4242 4242 4242 4242');
        await Promise.all([page.waitForURL(/\/c\/done\//), page.click('#submit')]);
      } finally {
        await page.close();
      }

      const paid = await waitFor(async () => {
        const v = await getInvoice(inv.id);
        return v.status === 'paid' && v.payment ? v : null;
      }, 'invoice paid');
      expect(paid.payments).toMatchObject([{ outcome: 'kept', amount: 10_000 }]);
      const payment = await waitFor(async () => {
        const v = (await api()('GET', `/payments/${paid.payment}`)).json();
        return v.fees?.final ? v : null;
      }, 'final fees');
      expect(payment).toMatchObject({
        status: 'succeeded',
        amount: 10_000,
        invoice: inv.id,
        charge_type: kind === 'standard' ? 'direct' : 'destination',
        fees: {
          platform_fee: 250,
          stripe_fee: 320,
          application_fee: kind === 'standard' ? 250 : 570,
          tenant_net: 9430,
          platform_net: 250,
        },
      });
      // sent to an e-mail, the invoice belongs to the customer with it (made for it), and so does its payment:
      // the customer's lists show both, and searching payments by the e-mail finds it
      expect(inv.customer).toMatch(/^cust_/);
      const customer = (await api()('GET', `/customers/${inv.customer}`)).json();
      expect(customer).toMatchObject({ email: 'client@example.com' });
      expect(payment.customer).toBe(inv.customer);
      const ofCustomer = (await api()('GET', `/payments?customer=${inv.customer}`)).json().data;
      expect(ofCustomer.map((x: { id: string }) => x.id)).toContain(payment.id);
      const byEmail = (await api()('GET', '/payments?q=client%40example.com')).json().data;
      expect(byEmail.map((x: { id: string }) => x.id)).toContain(payment.id);
      // a second invoice to the same e-mail (any letter case) joins the same customer
      const second = (
        await api()('POST', '/invoices', { lines, customer_email: 'Client@Example.com', notes: null })
      ).json();
      expect(second.customer).toBe(inv.customer);

      // the declined attempt keeps its own row: one row per charge, both linked to the invoice
      const attempts = (await api()('GET', `/payments?q=${payment.stripe.payment_intent}`)).json().data;
      expect(attempts.map((a: { status: string }) => a.status)).toEqual(['succeeded', 'failed']);
      expect(attempts[1]).toMatchObject({ invoice: inv.id, failure_code: 'card_declined' });

      // the link is spent; a paid invoice is final
      await waitFor(
        async () => (await fetch(inv.payment_link.url, { redirect: 'manual' })).status === 410,
        'link off',
      );
      const voided = await api()('POST', `/invoices/${inv.id}/void`);
      expect(voided.statusCode).toBe(409);
      expect(voided.json().error.code).toBe('invoice_state_invalid');
      const edited = await api()('POST', `/invoices/${inv.id}`, { notes: 'changed' });
      expect(edited.statusCode).toBe(409);
      const paidEvents = await systemRows<{ n: number }>(
        p.t.database,
        `select count(*)::int as n from outbound_events where type = 'invoice.paid' and data->'invoice'->>'id' = '${inv.id}'`,
      );
      expect(paidEvents[0]!.n).toBe(1);
    });

    it('editing a sent invoice replaces its link; voiding turns it off; overdue is derived', async () => {
      // a due date cannot be set in the past: this one passes (a day goes by, in the database)
      const inv = await sentInvoice({ due_date: Math.floor(Date.now() / 1000) + 3600 });
      expect(inv.status).toBe('open');
      await ownerSql(
        p.t.database,
        `update invoices set due_date = now() - interval '1 day' where id = '${fromPublicId('invoice', inv.id)}'`,
      );
      expect((await getInvoice(inv.id)).status).toBe('overdue');
      expect(
        (await api()('GET', '/invoices?status=overdue')).json().data.map((i: { id: string }) => i.id),
      ).toContain(inv.id);
      const edited = await api()('POST', `/invoices/${inv.id}`, {
        lines: [{ description: 'Design work', quantity: 3, unit_amount: 3000 }],
        due_date: null,
      });
      expect(edited.json()).toMatchObject({ status: 'open', amount_total: 9000, payment_link: null });
      const gone = (url: string) => async () => (await fetch(url, { redirect: 'manual' })).status === 410;
      await waitFor(gone(inv.payment_link.url), 'old link off');
      const resent = (await api()('POST', `/invoices/${inv.id}/send`)).json();
      expect(resent.payment_link.url).not.toBe(inv.payment_link.url);
      expect(resent.application_fee_amount).toBe(kind === 'standard' ? 225 : 225 + 291);
      const voided = await api()('POST', `/invoices/${inv.id}/void`);
      expect(voided.json()).toMatchObject({ status: 'void', editable: false });
      await waitFor(gone(resent.payment_link.url), 'voided link off');
      expect((await api()('POST', `/invoices/${inv.id}/send`)).statusCode).toBe(409);
      expect((await api()('POST', `/invoices/${inv.id}/void`)).statusCode).toBe(409);
    });

    it('bank debits: paid once the debit settles; a failed one leaves the invoice open with a new link', async () => {
      const bank = async (url: string, account: string) => {
        const visit = await fetch(url, { redirect: 'manual' });
        const checkout = new URL(String(visit.headers.get('location')), url).toString();
        const res = await fetch(checkout, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            method: 'us_bank_account',
            account_holder: 'Client Co',
            routing_number: '110000000',
            account_number: account,
            email: 'ap@example.com',
          }).toString(),
        });
        expect(res.status).toBe(302);
      };
      const failing = await sentInvoice();
      await bank(failing.payment_link.url, '000111111116');
      // (a read between the handler's commit and the resend job's can see the outcome with no link yet;
      // under load one statement of the read even saw the row from before the commit)
      const reopened = await waitFor(async () => {
        const v = await getInvoice(failing.id);
        return v.payments[0]?.outcome === 'failed' &&
          v.payment_link &&
          v.payment_link.url !== failing.payment_link.url
          ? v
          : null;
      }, 'failed debit, new link');
      expect(reopened).toMatchObject({ status: 'open', payment: null });
      expect(reopened.payment_link.url).not.toBe(failing.payment_link.url);
      expect(reopened.last_payment_failure).toMatchObject({ code: 'no_account' });

      const settling = await sentInvoice();
      await bank(settling.payment_link.url, '000123456789');
      // paid only once Stripe says the debit settled (the sandbox settles it a moment later)
      // the invoice's status and its payment come with different events, in either order
      const paid = await waitFor(async () => {
        const v = await getInvoice(settling.id);
        return v.status === 'paid' && v.payment ? v : null;
      }, 'debit settled');
      expect(paid.payments).toMatchObject([{ outcome: 'kept' }]);
      const payment = (await api()('GET', `/payments/${paid.payment}`)).json();
      expect(payment).toMatchObject({
        status: 'succeeded',
        invoice: settling.id,
        payment_method: { type: 'us_bank_account' },
      });
    });

    it('a link paid twice in a race: one payment kept, the other refunded, the invoice paid once', async () => {
      const inv = await sentInvoice();
      // two buyers open the link before either pays: two Checkout Sessions
      const open = async () => {
        const res = await fetch(inv.payment_link.url, { redirect: 'manual' });
        expect(res.status).toBe(302);
        return new URL(String(res.headers.get('location')), inv.payment_link.url).toString();
      };
      const [a, b] = [await open(), await open()];
      const pay = (url: string) =>
        fetch(url, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            card_number: '4242 4242 4242 4242',
            exp: '12 / 34',
            cvc: '123',
            email: 'buyer@example.com',
          }).toString(),
        });
      const results = await Promise.all([pay(a), pay(b)]);
      expect(results.map((r) => r.status)).toEqual([302, 302]);

      const settled = await waitFor(async () => {
        const v = await getInvoice(inv.id);
        return v.payments.length === 2 &&
          v.payments.every((x: { outcome: string }) => x.outcome !== 'duplicate')
          ? v
          : null;
      }, 'both sessions recorded');
      expect(settled.status).toBe('paid');
      expect(settled.payments.map((x: { outcome: string }) => x.outcome).sort()).toEqual([
        'kept',
        'refunded',
      ]);
      const refunded = settled.payments.find((x: { outcome: string }) => x.outcome === 'refunded');
      const kept = settled.payments.find((x: { outcome: string }) => x.outcome === 'kept');
      const refundedPayment = await waitFor(async () => {
        const list = (await api()('GET', `/payments?q=${refunded.payment_intent}`)).json();
        const row = list.data[0];
        // its link to the invoice and its refund come with different events, in either order
        return row?.amount_refunded === 10_000 && row.invoice === inv.id ? row : null;
      }, 'duplicate refunded');
      expect(refundedPayment).toMatchObject({ invoice: inv.id, status: 'succeeded' });
      const keptPayment = (await api()('GET', `/payments?q=${kept.payment_intent}`)).json().data[0];
      expect(keptPayment).toMatchObject({ invoice: inv.id, amount_refunded: 0 });
      expect(settled.payment).toBe(keptPayment.id);
      const refunds = (await api()('GET', `/refunds`)).json().data;
      expect(refunds.filter((r: { payment: string }) => r.payment === refundedPayment.id)).toHaveLength(1);
    });
  });
}
