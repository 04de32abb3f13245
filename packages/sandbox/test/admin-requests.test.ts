// The admin routes a dunning test reads and drives: the request log (which idempotency key each call used and
// whether the sandbox replayed it) and a saved card that declines from then on.
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

async function openInvoice(customer: string): Promise<string> {
  const inv = await stripe.invoices.create({ customer, auto_advance: false });
  await stripe.invoiceItems.create({ customer, invoice: inv.id, amount: 1200, currency: 'usd' });
  return (await stripe.invoices.finalizeInvoice(inv.id!, { auto_advance: false })).id!;
}

describe('sandbox admin: requests and declining cards', () => {
  it('the request log shows each call with its idempotency key, and a replay as replayed', async () => {
    const cus = await stripe.customers.create({ name: 'Log' });
    const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
    const inv = await openInvoice(cus.id);
    const opts = { idempotencyKey: `test:${inv}` };
    const first = await stripe.invoices.pay(inv, { payment_method: pm.id, off_session: true }, opts);
    const again = await stripe.invoices.pay(inv, { payment_method: pm.id, off_session: true }, opts);
    expect(again).toEqual(first);
    const log = await admin<{ data: { method: string; idempotency_key: string; replayed: boolean }[] }>(
      sb,
      `requests?path=/v1/invoices/${inv}/pay`,
      undefined,
      'GET',
    );
    expect(log.data).toEqual([
      { method: 'POST', path: `/v1/invoices/${inv}/pay`, idempotency_key: `test:${inv}`, replayed: false },
      { method: 'POST', path: `/v1/invoices/${inv}/pay`, idempotency_key: `test:${inv}`, replayed: true },
    ]);
    expect((await stripe.charges.list({ customer: cus.id })).data).toHaveLength(1);
  });

  it('a saved card reported lost declines every charge from then on, with its decline and advice codes', async () => {
    const cus = await stripe.customers.create({ name: 'Lost' });
    const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
    await admin(sb, `cards/${pm.id}/decline`, { decline_code: 'lost_card', advice_code: 'do_not_try_again' });
    const inv = await openInvoice(cus.id);
    const err = (await stripe.invoices
      .pay(inv, { payment_method: pm.id, off_session: true })
      .catch((e: unknown) => e)) as Stripe.errors.StripeCardError;
    expect(err).toBeInstanceOf(stripe.errors.StripeCardError);
    expect(err).toMatchObject({ code: 'card_declined', decline_code: 'lost_card' });
    expect((err.raw as { advice_code?: string }).advice_code).toBe('do_not_try_again');
    expect((await stripe.invoices.retrieve(inv)).status).toBe('open');
  });
});
