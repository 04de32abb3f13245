// The customer's invoice balance: balance transactions (create, list, retrieve, update), `customer.balance`
// and `customer.updated`; the balance taken by the next finalized invoice (starting/ending balance, amount
// due), given back when it is voided, credited by a credit note; a credit on a subscription renewal.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { advanceClock, client, start } from './helpers.ts';

let sb: Sandbox;
let stripe: Stripe;

const DAY = 86_400;
const T0 = Date.UTC(2026, 0, 1, 12) / 1000;

beforeAll(async () => {
  sb = await start();
  stripe = client(sb);
});
afterAll(() => sb.close());

async function invoiceFor(customer: string, amount: number): Promise<Stripe.Invoice> {
  await stripe.invoiceItems.create({ customer, amount, currency: 'usd' });
  const inv = await stripe.invoices.create({ customer, pending_invoice_items_behavior: 'include' });
  return stripe.invoices.finalizeInvoice(inv.id);
}

async function eventsOf(type: string, id: string): Promise<Stripe.Event[]> {
  const all: Stripe.Event[] = [];
  for await (const e of stripe.events.list({ type, limit: 100 })) all.push(e);
  return all.filter((e) => (e.data.object as { id: string }).id === id).reverse();
}

describe('customer balance transactions', () => {
  it('create, list, retrieve and update; customer.balance and customer.updated follow', async () => {
    const cus = await stripe.customers.create({ email: 'credit@example.com' });
    const credit = await stripe.customers.createBalanceTransaction(cus.id, {
      amount: -500,
      currency: 'usd',
      description: 'Goodwill credit',
      metadata: { ticket: 'T-1' },
    });
    expect(credit).toMatchObject({
      object: 'customer_balance_transaction',
      amount: -500,
      currency: 'usd',
      customer: cus.id,
      description: 'Goodwill credit',
      ending_balance: -500,
      invoice: null,
      credit_note: null,
      checkout_session: null,
      customer_account: null,
      livemode: false,
      metadata: { ticket: 'T-1' },
      type: 'adjustment',
    });
    expect(credit.id).toMatch(/^cbtxn_/);
    const debit = await stripe.customers.createBalanceTransaction(cus.id, { amount: 200, currency: 'usd' });
    expect(debit.ending_balance).toBe(-300);
    expect(await stripe.customers.retrieve(cus.id)).toMatchObject({ balance: -300, currency: 'usd' });

    const list = await stripe.customers.listBalanceTransactions(cus.id);
    expect(list.data.map((t) => t.id)).toEqual([debit.id, credit.id]);
    expect(list.url).toBe(`/v1/customers/${cus.id}/balance_transactions`);
    expect(await stripe.customers.retrieveBalanceTransaction(cus.id, credit.id)).toEqual(
      expect.objectContaining({ id: credit.id, amount: -500 }),
    );
    const updated = await stripe.customers.updateBalanceTransaction(cus.id, credit.id, {
      description: 'Goodwill credit (support)',
      metadata: { agent: 'ana' },
    });
    expect(updated).toMatchObject({
      amount: -500,
      description: 'Goodwill credit (support)',
      metadata: { ticket: 'T-1', agent: 'ana' },
    });
    await expect(
      stripe.customers.updateBalanceTransaction(cus.id, credit.id, { amount: 1 } as never),
    ).rejects.toMatchObject({ statusCode: 400, code: 'parameter_unknown' });
    const other = await stripe.customers.create({});
    await expect(stripe.customers.retrieveBalanceTransaction(other.id, credit.id)).rejects.toMatchObject({
      statusCode: 404,
    });

    const updates = await eventsOf('customer.updated', cus.id);
    expect(updates.map((e) => e.data.previous_attributes)).toEqual([
      { balance: 0, currency: null },
      { balance: -500 },
    ]);
    expect((updates[1]!.data.object as Stripe.Customer).balance).toBe(-300);
  });

  it('setting customer.balance directly is recorded in the ledger', async () => {
    const cus = await stripe.customers.create({ balance: 700 });
    expect(cus.balance).toBe(700);
    await stripe.customers.update(cus.id, { balance: -100 });
    const list = await stripe.customers.listBalanceTransactions(cus.id);
    expect(list.data.map((t) => [t.type, t.amount, t.ending_balance])).toEqual([
      ['adjustment', -800, -100],
      ['initial', 700, 700],
    ]);
  });
});

describe('the balance on the next finalized invoice', () => {
  it('a credit reduces amount_due; a credit larger than the invoice stays on the balance', async () => {
    const cus = await stripe.customers.create({});
    await stripe.customers.createBalanceTransaction(cus.id, { amount: -1500, currency: 'usd' });

    const small = await invoiceFor(cus.id, 1000);
    expect(small).toMatchObject({
      total: 1000,
      starting_balance: -1500,
      ending_balance: -500,
      amount_due: 0,
      status: 'paid',
    });
    expect((await stripe.customers.retrieve(cus.id)) as Stripe.Customer).toMatchObject({ balance: -500 });

    const big = await invoiceFor(cus.id, 2000);
    expect(big).toMatchObject({
      total: 2000,
      starting_balance: -500,
      ending_balance: 0,
      amount_due: 1500,
      amount_remaining: 1500,
      status: 'open',
    });
    expect(((await stripe.customers.retrieve(cus.id)) as Stripe.Customer).balance).toBe(0);
    const expanded = await stripe.invoices.retrieve(big.id, {
      expand: ['payments.data.payment.payment_intent'],
    });
    const pi = expanded.payments?.data[0]?.payment.payment_intent as Stripe.PaymentIntent;
    expect(pi.amount).toBe(1500);

    const applied = (await stripe.customers.listBalanceTransactions(cus.id)).data.filter(
      (t) => t.type === 'applied_to_invoice',
    );
    expect(applied.map((t) => [t.invoice, t.amount, t.ending_balance])).toEqual([
      [big.id, 500, 0],
      [small.id, 1000, -500],
    ]);
    const third = await invoiceFor(cus.id, 800);
    expect(third).toMatchObject({ starting_balance: 0, ending_balance: 0, amount_due: 800 });
  });

  it('a draft shows the current balance; ending_balance is null until finalized', async () => {
    const cus = await stripe.customers.create({});
    await stripe.customers.createBalanceTransaction(cus.id, { amount: -300, currency: 'usd' });
    await stripe.invoiceItems.create({ customer: cus.id, amount: 1000, currency: 'usd' });
    const draft = await stripe.invoices.create({
      customer: cus.id,
      pending_invoice_items_behavior: 'include',
    });
    expect(draft).toMatchObject({
      status: 'draft',
      starting_balance: -300,
      ending_balance: null,
      amount_due: 700,
    });
    expect(((await stripe.customers.retrieve(cus.id)) as Stripe.Customer).balance).toBe(-300);
    const open = await stripe.invoices.finalizeInvoice(draft.id);
    expect(open).toMatchObject({ starting_balance: -300, ending_balance: 0, amount_due: 700 });
  });

  it('a debit increases amount_due', async () => {
    const cus = await stripe.customers.create({});
    await stripe.customers.createBalanceTransaction(cus.id, { amount: 250, currency: 'usd' });
    const inv = await invoiceFor(cus.id, 1000);
    expect(inv).toMatchObject({ total: 1000, starting_balance: 250, ending_balance: 0, amount_due: 1250 });
    const [applied] = (await stripe.customers.listBalanceTransactions(cus.id)).data;
    expect(applied).toMatchObject({
      type: 'applied_to_invoice',
      amount: -250,
      ending_balance: 0,
      invoice: inv.id,
    });
  });

  it('voiding the invoice gives the credit back; a credit note credits the balance', async () => {
    const cus = await stripe.customers.create({});
    await stripe.customers.createBalanceTransaction(cus.id, { amount: -400, currency: 'usd' });
    const inv = await invoiceFor(cus.id, 1000);
    expect(inv.amount_due).toBe(600);
    await stripe.invoices.voidInvoice(inv.id);
    expect(((await stripe.customers.retrieve(cus.id)) as Stripe.Customer).balance).toBe(-400);
    const [back] = (await stripe.customers.listBalanceTransactions(cus.id)).data;
    expect(back).toMatchObject({ type: 'unapplied_from_invoice', amount: -400, invoice: inv.id });

    const paid = await stripe.invoices.pay((await invoiceFor(cus.id, 3000)).id, {
      payment_method: 'pm_card_visa',
    });
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 2600 });
    const cn = await stripe.creditNotes.create({ invoice: paid.id, amount: 1000, credit_amount: 1000 });
    expect(cn.customer_balance_transaction).toMatch(/^cbtxn_/);
    const txn = await stripe.customers.retrieveBalanceTransaction(
      cus.id,
      String(cn.customer_balance_transaction),
    );
    expect(txn).toMatchObject({
      type: 'credit_note',
      amount: -1000,
      credit_note: cn.id,
      ending_balance: -1000,
    });
  });

  it('a credit is applied to the subscription renewal on a test clock', async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    const cus = await stripe.customers.create({ test_clock: clock.id });
    const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
    const price = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 2000,
      recurring: { interval: 'month' },
      product_data: { name: 'Pro' },
    });
    const sub = await stripe.subscriptions.create({
      customer: cus.id,
      items: [{ price: price.id }],
      default_payment_method: pm.id,
    });
    const first = await stripe.invoices.retrieve(String(sub.latest_invoice));
    expect(first).toMatchObject({ amount_paid: 2000, starting_balance: 0 });
    const credit = await stripe.customers.createBalanceTransaction(cus.id, { amount: -500, currency: 'usd' });
    expect(credit.created).toBe(T0);
    const preview = await stripe.invoices.createPreview({ customer: cus.id, subscription: sub.id });
    expect(preview).toMatchObject({ total: 2000, starting_balance: -500, amount_due: 1500 });

    const renewal = Date.UTC(2026, 1, 1, 12) / 1000;
    await advanceClock(stripe, clock.id, renewal + DAY);
    const renewed = await stripe.subscriptions.retrieve(sub.id);
    const inv = await stripe.invoices.retrieve(String(renewed.latest_invoice));
    expect(inv).toMatchObject({
      billing_reason: 'subscription_cycle',
      total: 2000,
      starting_balance: -500,
      ending_balance: 0,
      amount_due: 1500,
      amount_paid: 1500,
      status: 'paid',
    });
    const [applied] = (await stripe.customers.listBalanceTransactions(cus.id)).data;
    expect(applied).toMatchObject({ type: 'applied_to_invoice', amount: 500, invoice: inv.id });
    expect(applied!.created).toBe(renewal + 3600);
  });
});
