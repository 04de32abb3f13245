// Products, prices (tiers, transform_quantity, lookup keys), coupons, invoice items and invoices through the
// SDK: draft → finalize → pay / void / uncollectible, application fees on connected accounts, send_invoice,
// the hosted invoice page's PDF.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { admin, client, start } from './helpers.ts';

let sb: Sandbox;
let stripe: Stripe;

beforeAll(async () => {
  sb = await start();
  stripe = client(sb);
});
afterAll(() => sb.close());

async function types(): Promise<string[]> {
  return (await stripe.events.list({ limit: 100 })).data.map((e) => e.type).reverse();
}

describe('products and prices', () => {
  it('creates products with a default price, archives, looks up by key', async () => {
    const prod = await stripe.products.create({
      name: 'Pro',
      default_price_data: { currency: 'usd', unit_amount: 1500, recurring: { interval: 'month' } },
    });
    expect(prod.default_price).toMatch(/^price_/);
    const price = await stripe.prices.retrieve(String(prod.default_price));
    expect(price).toMatchObject({
      type: 'recurring',
      unit_amount: 1500,
      recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
    });
    const yearly = await stripe.prices.create({
      product: prod.id,
      currency: 'usd',
      unit_amount: 15000,
      recurring: { interval: 'year' },
      lookup_key: 'pro_yearly',
    });
    expect((await stripe.prices.list({ lookup_keys: ['pro_yearly'] })).data.map((p) => p.id)).toEqual([
      yearly.id,
    ]);
    await expect(
      stripe.prices.create({ product: prod.id, currency: 'usd', unit_amount: 1, lookup_key: 'pro_yearly' }),
    ).rejects.toMatchObject({ code: 'lookup_key_already_exists' });
    // Stripe bills at most every three years (3 years, 36 months, 156 weeks, 1095 days)
    for (const [interval, count] of [
      ['year', 4],
      ['month', 37],
      ['week', 157],
      ['day', 1096],
      ['month', 0],
    ] as const) {
      await expect(
        stripe.prices.create({
          product: prod.id,
          currency: 'usd',
          unit_amount: 100,
          recurring: { interval, interval_count: count },
        }),
      ).rejects.toMatchObject({
        type: 'StripeInvalidRequestError',
        statusCode: 400,
        param: 'recurring[interval_count]',
      });
    }
    const longest = await stripe.prices.create({
      product: prod.id,
      currency: 'usd',
      unit_amount: 100,
      recurring: { interval: 'week', interval_count: 156 },
    });
    expect(longest.recurring?.interval_count).toBe(156);
    const moved = await stripe.prices.create({
      product: prod.id,
      currency: 'usd',
      unit_amount: 14000,
      recurring: { interval: 'year' },
      lookup_key: 'pro_yearly',
      transfer_lookup_key: true,
    });
    expect((await stripe.prices.retrieve(yearly.id)).lookup_key).toBeNull();
    expect((await stripe.prices.list({ lookup_keys: ['pro_yearly'] })).data[0]!.id).toBe(moved.id);
    const archived = await stripe.prices.update(yearly.id, { active: false });
    expect(archived.active).toBe(false);
    expect((await stripe.prices.list({ active: false, product: prod.id })).data.map((p) => p.id)).toEqual([
      yearly.id,
    ]);
    await expect(
      stripe.products.create({ name: 'x', foo: 1 } as Stripe.ProductCreateParams),
    ).rejects.toMatchObject({
      code: 'parameter_unknown',
    });
  });

  it('prices graduated and volume tiers and transform_quantity on invoice items', async () => {
    const prod = await stripe.products.create({ name: 'Seats' });
    const cus = await stripe.customers.create({});
    const graduated = await stripe.prices.create({
      product: prod.id,
      currency: 'usd',
      billing_scheme: 'tiered',
      tiers_mode: 'graduated',
      tiers: [
        { up_to: 5, unit_amount: 1000 },
        { up_to: 10, unit_amount: 800, flat_amount: 100 },
        { up_to: 'inf', unit_amount: 500 },
      ],
      expand: ['tiers'],
    });
    expect(graduated.tiers).toHaveLength(3);
    const volume = await stripe.prices.create({
      product: prod.id,
      currency: 'usd',
      billing_scheme: 'tiered',
      tiers_mode: 'volume',
      tiers: [
        { up_to: 5, unit_amount: 1000 },
        { up_to: 'inf', unit_amount: 700, flat_amount: 200 },
      ],
    });
    const packs = await stripe.prices.create({
      product: prod.id,
      currency: 'usd',
      unit_amount: 300,
      transform_quantity: { divide_by: 10, round: 'up' },
    });
    const g = await stripe.invoiceItems.create({
      customer: cus.id,
      pricing: { price: graduated.id },
      quantity: 12,
    });
    expect(g.amount).toBe(5 * 1000 + 5 * 800 + 100 + 2 * 500);
    const v = await stripe.invoiceItems.create({
      customer: cus.id,
      pricing: { price: volume.id },
      quantity: 12,
    });
    expect(v.amount).toBe(12 * 700 + 200);
    const t = await stripe.invoiceItems.create({
      customer: cus.id,
      pricing: { price: packs.id },
      quantity: 21,
    });
    expect(t.amount).toBe(900);
  });
});

describe('invoices', () => {
  it('draft → finalize → pay, with lines, payments and events in order', async () => {
    const cus = await stripe.customers.create({ email: 'inv@example.com', payment_method: 'pm_card_visa' });
    const pm = (await stripe.customers.listPaymentMethods(cus.id)).data[0]!;
    await stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } });
    await stripe.invoiceItems.create({
      customer: cus.id,
      amount: 2500,
      currency: 'usd',
      description: 'Setup',
    });
    const draft = await stripe.invoices.create({
      customer: cus.id,
      pending_invoice_items_behavior: 'include',
    });
    expect(draft).toMatchObject({
      status: 'draft',
      amount_due: 2500,
      number: null,
      hosted_invoice_url: null,
      subscription: null,
    });
    expect(draft.lines.data[0]).toMatchObject({ amount: 2500, description: 'Setup', object: 'line_item' });
    await stripe.invoiceItems.create({ customer: cus.id, invoice: draft.id, amount: 500, currency: 'usd' });
    const open = await stripe.invoices.finalizeInvoice(draft.id);
    expect(open).toMatchObject({ status: 'open', amount_due: 3000, amount_remaining: 3000 });
    expect(open.number).toMatch(/-0001$/);
    expect(open.hosted_invoice_url).toContain('/i/');
    const paid = await stripe.invoices.pay(open.id, { expand: ['payments', 'confirmation_secret'] });
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 3000, amount_remaining: 0, attempt_count: 1 });
    const payment = paid.payments!.data[0]!;
    expect(payment).toMatchObject({ status: 'paid', amount_paid: 3000, payment: { type: 'payment_intent' } });
    const pi = await stripe.paymentIntents.retrieve(String(payment.payment.payment_intent));
    expect(pi).toMatchObject({ status: 'succeeded', amount: 3000, customer: cus.id });
    expect(paid.confirmation_secret?.client_secret).toBe(pi.client_secret);
    const t = await types();
    const tail = t.slice(t.indexOf('invoice.created'));
    expect(tail.indexOf('invoice.finalized')).toBeLessThan(tail.indexOf('payment_intent.succeeded'));
    expect(tail.indexOf('payment_intent.succeeded')).toBeLessThan(tail.indexOf('invoice.paid'));
    expect(tail.indexOf('invoice.paid')).toBeLessThan(tail.indexOf('invoice.payment_succeeded'));
    const pdf = await fetch(String(paid.invoice_pdf));
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer()).toString('latin1');
    expect(bytes.startsWith('%PDF-1.4')).toBe(true);
    expect(bytes.trimEnd().endsWith('%%EOF')).toBe(true);
    const xref = Number(/startxref\n(\d+)/.exec(bytes)![1]);
    expect(bytes.slice(xref, xref + 4)).toBe('xref');
  });

  it('a declined payment keeps the invoice open (402), void and uncollectible', async () => {
    const cus = await stripe.customers.create({});
    await stripe.invoiceItems.create({ customer: cus.id, amount: 1000, currency: 'usd' });
    const inv = await stripe.invoices.create({ customer: cus.id, pending_invoice_items_behavior: 'include' });
    await stripe.invoices.finalizeInvoice(inv.id);
    const err = await stripe.invoices
      .pay(inv.id, { payment_method: 'pm_card_chargeDeclined' })
      .catch((e) => e);
    expect(err).toMatchObject({ type: 'StripeCardError', code: 'card_declined' });
    const after = await stripe.invoices.retrieve(inv.id);
    expect(after).toMatchObject({ status: 'open', attempt_count: 1, attempted: true, amount_paid: 0 });
    const unc = await stripe.invoices.markUncollectible(inv.id);
    expect(unc.status).toBe('uncollectible');
    const voided = await stripe.invoices.voidInvoice(inv.id);
    expect(voided).toMatchObject({ status: 'void' });
    expect(voided.status_transitions.voided_at).toBeTypeOf('number');
    await expect(stripe.invoices.pay(inv.id)).rejects.toMatchObject({ type: 'StripeInvalidRequestError' });
    const t = await types();
    expect(t).toContain('invoice.payment_failed');
    expect(t).toContain('invoice.marked_uncollectible');
    expect(t).toContain('invoice.voided');
  });

  it('send_invoice with days_until_due, deleting drafts, coupons', async () => {
    const cus = await stripe.customers.create({});
    const coupon = await stripe.coupons.create({ percent_off: 25, duration: 'once' });
    await stripe.invoiceItems.create({ customer: cus.id, amount: 4000, currency: 'usd' });
    const inv = await stripe.invoices.create({
      customer: cus.id,
      collection_method: 'send_invoice',
      days_until_due: 14,
      pending_invoice_items_behavior: 'include',
      discounts: [{ coupon: coupon.id }],
    });
    expect(inv).toMatchObject({ subtotal: 4000, total: 3000, amount_due: 3000 });
    expect(inv.total_discount_amounts?.[0]?.amount).toBe(1000);
    const open = await stripe.invoices.finalizeInvoice(inv.id);
    expect(open.due_date).toBe(Number(open.status_transitions.finalized_at) + 14 * 86400);
    expect(open.collection_method).toBe('send_invoice');
    const sent = await stripe.invoices.sendInvoice(open.id);
    expect(sent.status).toBe('open');
    const fixed = await stripe.coupons.create({ amount_off: 500, currency: 'usd', duration: 'forever' });
    expect(fixed).toMatchObject({ amount_off: 500, duration: 'forever', valid: true, times_redeemed: 0 });
    const d2 = await stripe.invoices.create({ customer: cus.id });
    expect(await stripe.invoices.del(d2.id)).toMatchObject({ deleted: true });
    await expect(
      stripe.invoices.create({ customer: cus.id, collection_method: 'send_invoice' }),
    ).rejects.toMatchObject({ param: 'days_until_due' });
  });

  it('application_fee_amount on a connected account invoice reaches the platform', async () => {
    const acct = await stripe.accounts.create({ type: 'standard' });
    await admin(sb, `accounts/${acct.id}/onboarding`, { action: 'complete' });
    const on = { stripeAccount: acct.id };
    const cus = await stripe.customers.create({ payment_method: 'pm_card_visa' }, on);
    const pm = (await stripe.customers.listPaymentMethods(cus.id, {}, on)).data[0]!;
    await stripe.invoiceItems.create({ customer: cus.id, amount: 10000, currency: 'usd' }, on);
    const inv = await stripe.invoices.create(
      {
        customer: cus.id,
        application_fee_amount: 1000,
        pending_invoice_items_behavior: 'include',
        default_payment_method: pm.id,
      },
      on,
    );
    await stripe.invoices.finalizeInvoice(inv.id, {}, on);
    const paid = await stripe.invoices.pay(inv.id, {}, on);
    expect(paid.status).toBe('paid');
    const fees = await stripe.applicationFees.list({ limit: 1 });
    expect(fees.data[0]).toMatchObject({ amount: 1000, account: acct.id });
    await expect(
      stripe.invoices.create({ customer: (await stripe.customers.create({})).id, application_fee_amount: 5 }),
    ).rejects.toMatchObject({ param: 'application_fee_amount' });
  });

  it('credit notes: lower an open invoice, refund a paid one', async () => {
    const cus = await stripe.customers.create({ payment_method: 'pm_card_visa' });
    const pm = (await stripe.customers.listPaymentMethods(cus.id)).data[0]!;
    await stripe.invoiceItems.create({
      customer: cus.id,
      amount: 5000,
      currency: 'usd',
      description: 'Work',
    });
    const inv = await stripe.invoices.create({
      customer: cus.id,
      pending_invoice_items_behavior: 'include',
      default_payment_method: pm.id,
    });
    const open = await stripe.invoices.finalizeInvoice(inv.id);
    const pre = await stripe.creditNotes.create({
      invoice: inv.id,
      lines: [{ type: 'custom_line_item', unit_amount: 1000, quantity: 1, description: 'Goodwill' }],
    });
    expect(pre).toMatchObject({
      type: 'pre_payment',
      total: 1000,
      status: 'issued',
      number: `${open.number}-CN-01`,
    });
    expect(await stripe.invoices.retrieve(inv.id)).toMatchObject({
      amount_due: 4000,
      amount_remaining: 4000,
      pre_payment_credit_notes_amount: 1000,
    });
    const paid = await stripe.invoices.pay(inv.id);
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 4000 });
    const line = paid.lines.data[0]!;
    const post = await stripe.creditNotes.create({
      invoice: inv.id,
      lines: [{ type: 'invoice_line_item', invoice_line_item: line.id, amount: 1500 }],
      reason: 'product_unsatisfactory',
    });
    expect(post).toMatchObject({ type: 'post_payment', total: 1500 });
    const refund = await stripe.refunds.retrieve(String(post.refunds[0]!.refund));
    expect(refund).toMatchObject({ amount: 1500, status: 'succeeded' });
    expect((await stripe.invoices.retrieve(inv.id)).post_payment_credit_notes_amount).toBe(1500);
    await expect(
      stripe.creditNotes.create({
        invoice: inv.id,
        lines: [{ type: 'custom_line_item', unit_amount: 3000, quantity: 1 }],
      }),
    ).rejects.toMatchObject({ type: 'StripeInvalidRequestError' });
    expect((await stripe.creditNotes.listLineItems(post.id)).data[0]).toMatchObject({
      amount: 1500,
      invoice_line_item: line.id,
    });
  });

  it('the hosted invoice page sends a 3-D Secure card through authentication and back', async () => {
    const cus = await stripe.customers.create({});
    await stripe.invoiceItems.create({ customer: cus.id, amount: 2000, currency: 'usd' });
    const inv = await stripe.invoices.create({
      customer: cus.id,
      collection_method: 'send_invoice',
      days_until_due: 7,
      pending_invoice_items_behavior: 'include',
    });
    const open = await stripe.invoices.finalizeInvoice(inv.id);
    const res = await fetch(String(open.hosted_invoice_url), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'card_number=4000002760003184&exp=12%20%2F%2034&cvc=123',
    });
    expect(res.status).toBe(302);
    const auth = new URL(String(res.headers.get('location')));
    expect(auth.pathname).toMatch(/^\/3ds\/authenticate\/pi_/);
    const done = await fetch(`${sb.url}${auth.pathname}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=complete',
    });
    expect(String(done.headers.get('location'))).toContain(String(open.hosted_invoice_url));
    expect(await stripe.invoices.retrieve(inv.id)).toMatchObject({ status: 'paid', amount_paid: 2000 });
  });
});

describe('invoice payments', () => {
  it('lists the invoice payments of one PaymentIntent (`payment[payment_intent]`), none for another', async () => {
    const cus = await stripe.customers.create({ email: 'ip@example.com' });
    const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
    await stripe.invoiceItems.create({ customer: cus.id, amount: 1200, currency: 'usd' });
    const draft = await stripe.invoices.create({
      customer: cus.id,
      pending_invoice_items_behavior: 'include',
    });
    await stripe.invoices.finalizeInvoice(draft.id!);
    const paid = await stripe.invoices.pay(draft.id!, { payment_method: pm.id });
    expect(paid.status).toBe('paid');
    const inv = await stripe.invoices.retrieve(paid.id!, { expand: ['payments'] });
    const pi = String(inv.payments!.data[0]!.payment.payment_intent);
    const byPi = (id: string) =>
      stripe.invoicePayments.list({ payment: { type: 'payment_intent', payment_intent: id } });
    expect((await byPi(pi)).data.map((p) => p.invoice)).toEqual([inv.id]);
    const other = await stripe.paymentIntents.create({
      amount: 500,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    expect((await byPi(other.id)).data).toEqual([]);
  });
});
