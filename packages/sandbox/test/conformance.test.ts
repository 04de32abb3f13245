// Every object the sandbox returns has all the fields of Stripe's example object for its resource
// (shared/stripe/fixtures3.json), recursively, with the same value types; no placeholder values leak.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { conforms, fixtures, type Json } from './fixture-fields.ts';
import { admin, client, start } from './helpers.ts';

let sb: Sandbox;
let stripe: Stripe;
const samples: [string, unknown, string[]?][] = [];

beforeAll(async () => {
  sb = await start();
  stripe = client(sb);
  const add = (r: string, o: unknown, e?: string[]) => samples.push([r, o, e]);
  const acct = await stripe.accounts.create({ type: 'express' });
  add('account', acct);
  await admin(sb, `accounts/${acct.id}/onboarding`, { action: 'complete' });
  const full = await stripe.accounts.update(acct.id, { external_account: 'btok_us_verified' });
  add('account', full);
  add('bank_account', full.external_accounts?.data[0]);
  add('external_account', full.external_accounts?.data[0]);
  add('account', await stripe.accounts.retrieve(sb.platformAccountId));
  add('capability', (await stripe.accounts.listCapabilities(acct.id)).data[0]);
  add(
    'account_link',
    await stripe.accountLinks.create({
      account: acct.id,
      type: 'account_onboarding',
      refresh_url: 'https://x.example/r',
      return_url: 'https://x.example/ok',
    }),
  );
  add('login_link', await stripe.accounts.createLoginLink(acct.id));
  const cus = await stripe.customers.create({ email: 'c@example.com', address: { line1: 'x' } });
  add('customer', cus);
  add('customer', await stripe.customers.create({}));
  add(
    'customer_balance_transaction',
    await stripe.customers.createBalanceTransaction(cus.id, { amount: -100, currency: 'usd' }),
  );
  const pm = await stripe.paymentMethods.create({
    type: 'card',
    card: { number: '4242424242424242', exp_month: 1, exp_year: 2040, cvc: '1' },
  } as Stripe.PaymentMethodCreateParams);
  add('payment_method', pm);
  add('payment_intent', await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' }));
  const pi = await stripe.paymentIntents.create({
    amount: 1000,
    currency: 'usd',
    payment_method: pm.id,
    confirm: true,
    customer: cus.id,
  });
  add('payment_intent', pi);
  add(
    'payment_intent',
    await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_authenticationRequired',
      confirm: true,
      return_url: 'https://x.example',
    }),
  );
  const declined = await stripe.paymentIntents
    .create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: true })
    .catch((e: Stripe.errors.StripeCardError) => e.payment_intent);
  add('payment_intent', declined);
  const charge = await stripe.charges.retrieve(String(pi.latest_charge));
  add('charge', charge);
  add('charge', await stripe.charges.retrieve(String(pi.latest_charge), { expand: ['refunds'] }), [
    'refunds',
  ]);
  add('balance_transaction', await stripe.balanceTransactions.retrieve(String(charge.balance_transaction)));
  const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 100 });
  add('refund', refund);
  add('balance', await stripe.balance.retrieve());
  const dest = await stripe.paymentIntents.create({
    amount: 2000,
    currency: 'usd',
    payment_method: 'pm_card_visa',
    confirm: true,
    application_fee_amount: 200,
    transfer_data: { destination: acct.id },
  });
  const dch = await stripe.charges.retrieve(String(dest.latest_charge));
  add('charge', dch);
  const fee = await stripe.applicationFees.retrieve(String(dch.application_fee));
  add('application_fee', fee);
  add('fee_refund', await stripe.applicationFees.createRefund(fee.id, { amount: 50 }));
  const tr = await stripe.transfers.retrieve(String((dch as unknown as { transfer: string }).transfer));
  add('transfer', tr);
  add('transfer_reversal', await stripe.transfers.createReversal(tr.id, { amount: 100 }));
  const rev = await stripe.refunds.create({ payment_intent: dest.id, reverse_transfer: true });
  add('transfer_reversal', (await stripe.transfers.listReversals(tr.id)).data[0]);
  add('refund', rev);
  const failing = await stripe.paymentIntents.create({
    amount: 1000,
    currency: 'usd',
    payment_method: 'pm_card_refundFail',
    confirm: true,
  });
  const toFail = await stripe.refunds.create({ payment_intent: failing.id });
  await admin(sb, 'refunds/settle', { refund: toFail.id });
  add('refund', await stripe.refunds.retrieve(toFail.id));
  const pendingPi = await stripe.paymentIntents.create({
    amount: 1000,
    currency: 'usd',
    payment_method: 'pm_card_pendingRefund',
    confirm: true,
  });
  add('refund', await stripe.refunds.create({ payment_intent: pendingPi.id }));
  await stripe.paymentIntents.create({
    amount: 3000,
    currency: 'usd',
    payment_method: 'pm_card_visa',
    confirm: true,
    transfer_data: { destination: acct.id },
  });
  const { payouts } = await admin<{ payouts: string[] }>(sb, 'balance/release', { account: acct.id });
  const payout = await stripe.payouts.retrieve(String(payouts[0]), {}, { stripeAccount: acct.id });
  add('payout', payout);
  add(
    'balance_transaction',
    await stripe.balanceTransactions.retrieve(
      String(payout.balance_transaction),
      {},
      { stripeAccount: acct.id },
    ),
  );
  add('setup_intent', await stripe.setupIntents.create({ payment_method: 'pm_card_visa', confirm: true }));
  add('setup_intent', await stripe.setupIntents.create({}));
  const disputed = await stripe.paymentIntents.create({
    amount: 1000,
    currency: 'usd',
    payment_method: 'pm_card_createDispute',
    confirm: true,
  });
  add('dispute', (await stripe.disputes.list({ payment_intent: disputed.id })).data[0]);
  add(
    'file',
    await stripe.files.create({
      purpose: 'dispute_evidence',
      file: { data: Buffer.from('x'), name: 'a.png', type: 'image/png' },
    }),
  );
  const we = await stripe.webhookEndpoints.create({ url: 'https://x.example/hook', enabled_events: ['*'] });
  add('webhook_endpoint', we);
  add('deleted_webhook_endpoint', await stripe.webhookEndpoints.del(we.id));
  add('deleted_customer', await stripe.customers.del((await stripe.customers.create({})).id));
  add('deleted_account', await stripe.accounts.del((await stripe.accounts.create({ type: 'custom' })).id));
  await billingSamples(add);
  for (const ev of (await stripe.events.list({ limit: 100 })).data) add('event', ev);
});

type Add = (r: string, o: unknown, e?: string[]) => void;

async function billingSamples(add: Add): Promise<void> {
  const prod = await stripe.products.create({
    name: 'Plan',
    default_price_data: { currency: 'usd', unit_amount: 1000, recurring: { interval: 'month' } },
  });
  add('product', prod);
  add('price', await stripe.prices.retrieve(String(prod.default_price)));
  add(
    'price',
    await stripe.prices.create({
      product: prod.id,
      currency: 'usd',
      unit_amount: 500,
      transform_quantity: { divide_by: 2, round: 'up' },
    }),
  );
  const coupon = await stripe.coupons.create({
    percent_off: 10,
    duration: 'repeating',
    duration_in_months: 3,
  });
  add('coupon', coupon);
  const cus = await stripe.customers.create({ payment_method: 'pm_card_visa', invoice_settings: {} });
  const pm = (await stripe.customers.listPaymentMethods(cus.id)).data[0]!;
  await stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } });
  add(
    'invoiceitem',
    await stripe.invoiceItems.create({
      customer: cus.id,
      pricing: { price: String(prod.default_price) },
      quantity: 2,
    }),
  );
  const draft = await stripe.invoices.create({
    customer: cus.id,
    pending_invoice_items_behavior: 'include',
    discounts: [{ coupon: coupon.id }],
  });
  add('invoice', draft);
  add(
    'discount',
    await stripe.invoices.retrieve(draft.id, { expand: ['discounts'] }).then((i) => i.discounts[0]),
  );
  add('line_item', draft.lines.data[0]);
  await stripe.invoices.finalizeInvoice(draft.id);
  const paid = await stripe.invoices.pay(draft.id, { expand: ['payments'] });
  add('invoice', paid);
  add('invoice_payment', paid.payments?.data[0]);
  const cn = await stripe.creditNotes.create({
    invoice: paid.id,
    lines: [{ type: 'invoice_line_item', invoice_line_item: paid.lines.data[0]!.id, quantity: 1 }],
  });
  add('credit_note', cn);
  add('credit_note_line_item', cn.lines.data[0]);
  const other = await stripe.products.create({ name: 'Gone' });
  add('deleted_product', await stripe.products.del(other.id));
  add(
    'deleted_coupon',
    await stripe.coupons.del((await stripe.coupons.create({ amount_off: 5, currency: 'usd' })).id),
  );
  const ii = await stripe.invoiceItems.create({ customer: cus.id, amount: 100, currency: 'usd' });
  add('deleted_invoiceitem', await stripe.invoiceItems.del(ii.id));
  add('deleted_invoice', await stripe.invoices.del((await stripe.invoices.create({ customer: cus.id })).id));

  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(Date.now() / 1000) });
  add('test_helpers.test_clock', clock);
  const ccus = await stripe.customers.create({ test_clock: clock.id });
  await stripe.paymentMethods
    .attach('pm_card_visa', { customer: ccus.id })
    .then((p) => stripe.customers.update(ccus.id, { invoice_settings: { default_payment_method: p.id } }));
  const sub = await stripe.subscriptions.create({
    customer: ccus.id,
    items: [{ price: String(prod.default_price) }],
    trial_period_days: 3,
  });
  add('subscription', sub);
  add('subscription_item', sub.items.data[0]);
  const sub2 = await stripe.subscriptions.create({
    customer: ccus.id,
    items: [{ price: String(prod.default_price) }],
  });
  add('subscription', sub2);
  const extra = await stripe.subscriptionItems.create({
    subscription: sub2.id,
    price: String(prod.default_price),
    quantity: 2,
  });
  add('subscription_item', extra);
  add(
    'deleted_subscription_item',
    await stripe.subscriptionItems.del(extra.id, { proration_behavior: 'none' }),
  );
  add('subscription', await stripe.subscriptions.cancel(sub2.id));
  const phases = [
    { items: [{ price: String(prod.default_price) }], duration: { interval: 'month' as const } },
  ];
  const sched = await stripe.subscriptionSchedules.create({ customer: ccus.id, start_date: 'now', phases });
  add('subscription_schedule', sched);
  add('subscription_schedule', await stripe.subscriptionSchedules.release(sched.id));
  add(
    'subscription_schedule',
    await stripe.subscriptionSchedules.create({ customer: ccus.id, start_date: 1_900_000_000, phases }),
  );
  add(
    'deleted_test_helpers.test_clock',
    await stripe.testHelpers.testClocks.del(
      (await stripe.testHelpers.testClocks.create({ frozen_time: 1_800_000_000 })).id,
    ),
  );
  const link = await stripe.paymentLinks.create({
    line_items: [
      {
        price: (
          await stripe.prices.create({ currency: 'usd', unit_amount: 700, product_data: { name: 'One' } })
        ).id,
        quantity: 1,
      },
    ],
    payment_intent_data: { metadata: { a: 'b' } },
    restrictions: { completed_sessions: { limit: 3 } },
  });
  add('payment_link', link);
  const cs = await stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [
      { price_data: { currency: 'usd', unit_amount: 1000, product_data: { name: 'X' } }, quantity: 1 },
    ],
    success_url: 'https://x.example/ok',
    cancel_url: 'https://x.example/no',
  });
  add('checkout.session', cs);
  add('item', (await stripe.checkout.sessions.listLineItems(cs.id)).data[0]);
  await fetch(String(cs.url), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'card_number=4242424242424242&exp=12%20%2F%2034&cvc=123&email=a%40example.com',
  });
  add('checkout.session', await stripe.checkout.sessions.retrieve(cs.id));
  const meter = await stripe.billing.meters.create({
    display_name: 'm',
    event_name: 'conf_evt',
    default_aggregation: { formula: 'sum' },
  });
  add('billing.meter', meter);
  add(
    'billing.meter_event',
    await stripe.billing.meterEvents.create({
      event_name: 'conf_evt',
      payload: { stripe_customer_id: cus.id, value: '3' },
    }),
  );
  add(
    'billing_portal.session',
    await stripe.billingPortal.sessions.create({ customer: cus.id, return_url: 'https://x.example/acct' }),
  );
}
afterAll(() => sb.close());

describe('conformance with fixtures3.json', () => {
  it('covers every implemented resource', () => {
    const covered = new Set(samples.map(([r]) => r));
    expect([...covered].sort()).toEqual(
      [
        'account',
        'account_link',
        'application_fee',
        'balance',
        'balance_transaction',
        'bank_account',
        'billing.meter',
        'billing.meter_event',
        'billing_portal.session',
        'checkout.session',
        'coupon',
        'credit_note',
        'credit_note_line_item',
        'deleted_coupon',
        'deleted_subscription_item',
        'deleted_test_helpers.test_clock',
        'item',
        'payment_link',
        'subscription',
        'subscription_item',
        'subscription_schedule',
        'test_helpers.test_clock',
        'deleted_invoice',
        'deleted_invoiceitem',
        'deleted_product',
        'discount',
        'invoice',
        'invoice_payment',
        'invoiceitem',
        'line_item',
        'price',
        'product',
        'capability',
        'charge',
        'customer',
        'customer_balance_transaction',
        'deleted_account',
        'deleted_customer',
        'deleted_webhook_endpoint',
        'dispute',
        'event',
        'external_account',
        'fee_refund',
        'file',
        'login_link',
        'payment_intent',
        'payment_method',
        'payout',
        'refund',
        'setup_intent',
        'transfer',
        'transfer_reversal',
        'webhook_endpoint',
      ].sort(),
    );
  });

  it('every sampled object has Stripe’s fields and value types', () => {
    const errors = samples.flatMap(([r, o, e]) => conforms(r, o, e));
    expect(errors).toEqual([]);
  });

  it('events carry snapshots that conform too', () => {
    const errors: string[] = [];
    for (const [r, o] of samples) {
      if (r !== 'event') continue;
      const data = (o as Stripe.Event).data.object as unknown as Json;
      const type = String(data.object);
      if (fixtures[type]) errors.push(...conforms(type, data));
    }
    expect(errors).toEqual([]);
  });
});
