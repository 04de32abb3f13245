// Every Stripe endpoint the server calls, called as Stripe's API reference example calls it (same parameters,
// through the real SDK; plus the expansions the server asks for), answers with the fields of Stripe's example
// object for its resource. The table must cover every SDK method found in packages/server/src.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import type { Made } from './endpoint-row.ts';
import { BILLING_ROWS } from './endpoint-rows-billing.ts';
import { PAYMENT_ROWS } from './endpoint-rows-payments.ts';
import { PLATFORM_ROWS } from './endpoint-rows-platform.ts';
import { conforms, conformsTo, type Json } from './fixture-fields.ts';
import { admin, client, start } from './helpers.ts';
import { serverStripeCalls } from './server-stripe-calls.ts';

const ROWS = [...PAYMENT_ROWS, ...BILLING_ROWS, ...PLATFORM_ROWS];

let sb: Sandbox;
let made: Made;
let recorded: Stripe;
const requests: { method: string; path: string }[] = [];

/** An OAuth authorization code: the consent page approved. */
async function consentCode(): Promise<string> {
  const consent = await fetch(`${sb.url}/oauth/authorize`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({
      client_id: sb.connectClientId,
      scope: 'read_write',
      redirect_uri: 'https://example.com/callback',
      decision: 'approve',
    }),
  });
  return new URL(String(consent.headers.get('location'))).searchParams.get('code')!;
}

async function makeObjects(): Promise<Made> {
  const stripe = client(sb);
  const account = await stripe.accounts.create({ type: 'express' });
  await admin(sb, `accounts/${account.id}/onboarding`, { action: 'complete' });
  const customer = await stripe.customers.create({ name: 'Jenny Rosen', email: 'jennyrosen@example.com' });
  const paymentMethod = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
  await stripe.customers.update(customer.id, {
    invoice_settings: { default_payment_method: paymentMethod.id },
  });
  const detachable = await stripe.paymentMethods.attach('pm_card_mastercard', { customer: customer.id });
  const paymentIntent = await stripe.paymentIntents.create({
    amount: 2000,
    currency: 'usd',
    payment_method: 'pm_card_visa',
    confirm: true,
  });
  const charge = await stripe.charges.retrieve(String(paymentIntent.latest_charge));
  const refund = await stripe.refunds.create({ payment_intent: paymentIntent.id, amount: 100 });
  // the reference's prerequisite for its dispute examples
  const inquiry = await stripe.paymentIntents.create({
    amount: 100,
    currency: 'usd',
    automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    payment_method: 'pm_card_createDisputeInquiry',
    confirm: true,
  });
  const dispute = (await stripe.disputes.list({ payment_intent: inquiry.id })).data[0]!;
  const destination = await stripe.paymentIntents.create({
    amount: 2000,
    currency: 'usd',
    payment_method: 'pm_card_visa',
    confirm: true,
    transfer_data: { destination: account.id },
    application_fee_amount: 100,
  });
  const destinationCharge = await stripe.charges.retrieve(String(destination.latest_charge));
  const price = await stripe.prices.create({
    currency: 'usd',
    unit_amount: 1000,
    recurring: { interval: 'month' },
    product_data: { name: 'Gold Plan' },
  });
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
  });
  const openInvoices: string[] = [];
  for (const amount of [1500, 2500, 3500]) {
    const inv = await stripe.invoices.create({ customer: customer.id, auto_advance: false });
    await stripe.invoiceItems.create({ customer: customer.id, invoice: inv.id, amount, currency: 'usd' });
    openInvoices.push((await stripe.invoices.finalizeInvoice(inv.id, { auto_advance: false })).id!);
  }
  const oauthCode = await consentCode();
  const connected = await stripe.oauth.token({ grant_type: 'authorization_code', code: await consentCode() });
  return {
    account,
    customer,
    paymentMethod,
    detachable,
    charge,
    paymentIntent,
    refund,
    dispute,
    transfer: String(destinationCharge.transfer),
    // with a refund of its own, for the fee's refunds list
    applicationFee: (
      await stripe.applicationFees.createRefund(String(destinationCharge.application_fee), { amount: 1 })
    ).fee as string,
    setupIntent: await stripe.setupIntents.create({ customer: customer.id }),
    price,
    oneTimePrice: await stripe.prices.create({
      currency: 'usd',
      unit_amount: 1099,
      product_data: { name: 'T-shirt' },
    }),
    coupon: await stripe.coupons.create({ duration: 'repeating', duration_in_months: 3, percent_off: 25.5 }),
    setupSession: await stripe.checkout.sessions.create({
      mode: 'setup',
      customer: customer.id,
      currency: 'usd',
      success_url: 'https://example.com/success',
    }),
    subscription,
    spareSubscription: await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    }),
    invoice: String(subscription.latest_invoice),
    openInvoices: openInvoices as [string, string, string],
    paymentLink: await stripe.paymentLinks.create({ line_items: [{ price: price.id, quantity: 1 }] }),
    webhookEndpoint: await stripe.webhookEndpoints.create({
      enabled_events: ['*'],
      url: 'https://example.com/hook',
    }),
    oauthCode,
    oauthUser: String(connected.stripe_user_id),
    clientId: sb.connectClientId,
  };
}

beforeAll(async () => {
  sb = await start();
  made = await makeObjects();
  recorded = client(sb);
  recorded.on('request', (e: { method: string; path: string }) => requests.push(e));
});
afterAll(() => sb.close());

const pathPattern = (path: string) => new RegExp(`^${path.replace(/:id/g, '[^/?]+')}(\\?.*)?$`);

describe('each endpoint the server calls, as the API reference example calls it', () => {
  it.each(ROWS.map((r) => [`${r.method} ${r.path} (${r.sdk})`, r] as const))('%s', async (_name, row) => {
    const before = requests.length;
    const answer = (await row.call(recorded, made)) as Json;
    const sent = requests.slice(before);
    expect(sent.map((r) => r.method)).toEqual([row.method]);
    expect(sent[0]!.path).toMatch(pathPattern(row.path));
    const items = row.list ? (answer.data as unknown[]) : [answer];
    if (row.list) {
      expect(answer.object).toBe('list');
      expect(items.length).toBeGreaterThan(0);
    }
    const errors = items.flatMap((item) =>
      typeof row.resource === 'string'
        ? conforms(row.resource, item, row.expanded)
        : conformsTo(row.resource.name, row.resource.example, item),
    );
    const inside = row.inside?.(answer) ?? [];
    if (row.inside) expect(inside.length).toBeGreaterThan(0);
    for (const [resource, obj] of inside) errors.push(...conforms(resource, obj));
    expect(errors).toEqual([]);
    if (row.echoes)
      expect(answer).toMatchObject(typeof row.echoes === 'function' ? row.echoes(made) : row.echoes);
  });

  it('covers every Stripe SDK method the server calls, with the functions calling it', () => {
    const found = serverStripeCalls();
    const covered = new Set(ROWS.map((r) => r.sdk));
    // a planned row (no callers listed) may wait for the server to call it
    const planned = new Set(ROWS.filter((r) => !r.usedBy.length).map((r) => r.sdk));
    expect([...found.keys()].filter((sdk) => !covered.has(sdk)).sort()).toEqual([]);
    expect([...covered].filter((sdk) => !found.has(sdk) && !planned.has(sdk)).sort()).toEqual([]);
    for (const row of ROWS) {
      const callers = found.get(row.sdk);
      if (callers || !planned.has(row.sdk))
        expect([...(callers ?? [])].sort(), row.sdk).toEqual([...row.usedBy].sort());
    }
    expect(ROWS).toHaveLength(covered.size);
    console.info(`endpoint conformance: ${covered.size} endpoints the server calls, each covered`);
  });
});
