import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { planPrices, planQuotes, plans, tenantBilling, usageAlerts } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { toPublicId } from '../../src/http/ids.ts';
import { enqueueNotification } from '../../src/notifications/service.ts';
import { syncDispute } from '../../src/payments/sync.ts';
import { bearer, type TestApp, type TestTenant } from './app.ts';
import { deliver, fakeEvent } from './webhooks.ts';

/** The SDK pointed at a test app's own sandbox (the test plays Stripe.js and the admin). */
export function sandboxStripe(t: Pick<TestApp, 'config'>): Stripe {
  return new Stripe('sk_test_x', {
    host: '127.0.0.1',
    port: Number(new URL(sandboxUrl(t)).port),
    protocol: 'http',
  });
}

/** The sandbox a test app talks to (its own, or a pipeline's). */
export const sandboxUrl = (t: Pick<TestApp, 'config'>): string => t.config.STRIPE_API_BASE!;

/** POSTs to a sandbox admin route. */
export async function sandboxAdmin(
  t: Pick<TestApp, 'config'>,
  path: string,
  body: object = {},
): Promise<unknown> {
  const res = await fetch(`${sandboxUrl(t)}/_sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`sandbox ${path}: ${await res.text()}`);
  return res.json();
}

type Reply = Awaited<ReturnType<TestApp['app']['inject']>>;
type Api = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) => Promise<Reply>;

/**
 * Calls the tenant's routes with its secret key; `url` is relative to /v1/tenants/:id. Every POST carries a
 * fresh Idempotency-Key, as docs/api.md asks of clients (money-moving routes refuse a POST without one).
 */
export function tenantApi(t: TestApp, tenant: TestTenant, key = tenant.key): Api {
  return (method, url, payload) =>
    t.app.inject({
      method,
      url: `/v1/tenants/${tenant.publicId}${url}`,
      headers: { ...bearer(key), ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}) },
      ...(payload ? { payload } : {}),
    });
}

/** Connects the tenant's account through the API and finishes onboarding on the sandbox. */
export async function connectTenant(t: TestApp, tenant: TestTenant): Promise<string> {
  const api = tenantApi(t, tenant);
  const created = await api('POST', '/connect/account', {});
  if (created.statusCode !== 200) throw new Error(`connect failed: ${created.body}`);
  const acct = created.json().account_id as string;
  await sandboxAdmin(t, `accounts/${acct}/onboarding`, { action: 'complete' });
  const refreshed = await api('POST', '/connect/refresh');
  if (refreshed.json().charges_enabled !== true) throw new Error(`not enabled: ${refreshed.body}`);
  return acct;
}

export interface PaymentFixtures {
  customer_id: string;
  payment_method_id: string;
  payment_id: string;
  dispute_id: string;
  /** the dispute's owner alert, kept in the outbox (suppressed: no worker sends it here) */
  notification_id: string;
  /** a Stripe event of the tenant's connected account, stored (not processed) by the connect webhook */
  event_id: string;
  /** invoices and subscriptions: a draft invoice and a trialing subscription */
  invoice_id: string;
  subscription_id: string;
  /** a pending team invitation (not a payments object, but made here with the rest of a tenant's objects) */
  invitation_id: string;
  /** a threshold alert that notified (a dashboard notice of platform billing), not dismissed */
  alert_id: string;
  /** a card saved on the tenant's billing customer with the platform, and a paid invoice of that customer */
  billing_pm_id: string;
  billing_invoice_id: string;
  /** a plan quote of the tenant's (for the hidden plan `suite_quoted`), unspent */
  quote_id: string;
}

function ok<T>(res: Reply, what: string): T {
  if (res.statusCode !== 200) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  return res.json() as T;
}

/** A customer with a saved card and an off-session payment on it, through the API; it must succeed. */
export async function paidPayment(api: Api, email: string, card = 'pm_card_visa', amount = 3000) {
  const customer = ok<{ id: string; stripe_customer_id: string }>(
    await api('POST', '/customers', { email }),
    'customer',
  );
  ok(await api('POST', `/customers/${customer.id}/setup_intents`, { payment_method: card }), 'setup');
  const payment = ok<{
    id: string;
    status: string;
    charge_type: string;
    stripe: { payment_intent: string; charge: string };
  }>(
    await api('POST', '/payment_intents', {
      amount,
      currency: 'usd',
      customer: customer.id,
      off_session: true,
    }),
    'payment',
  );
  if (payment.status !== 'succeeded') throw new Error(`payment ${payment.status}`);
  return { customer, payment };
}

/**
 * A connected tenant with a customer, a saved card, a payment on a dispute card and its dispute (applied as
 * the charge.dispute.created handler would, without a worker), for the route suites' placeholders.
 */
export async function paymentFixtures(t: TestApp, tenant: TestTenant): Promise<PaymentFixtures> {
  await suitePlan(t);
  const account = await connectTenant(t, tenant);
  const api = tenantApi(t, tenant);
  const customer = ok<{ id: string }>(
    await api('POST', '/customers', { email: `fx-${tenant.publicId}@example.com` }),
    'customer',
  );
  const saved = ok<{ payment_method: { id: string } }>(
    await api('POST', `/customers/${customer.id}/setup_intents`, { payment_method: 'pm_card_createDispute' }),
    'setup',
  );
  const payment = ok<{
    id: string;
    status: string;
    stripe: { payment_intent: string; account: string };
    charge_type: string;
  }>(
    await api('POST', '/payment_intents', {
      amount: 5000,
      currency: 'usd',
      customer: customer.id,
      off_session: true,
    }),
    'payment',
  );
  if (payment.status !== 'succeeded') throw new Error(`payment ${payment.status}`);
  const stripe = sandboxStripe(t);
  const opts = payment.charge_type === 'direct' ? { stripeAccount: payment.stripe.account } : undefined;
  const [dispute] = (await stripe.disputes.list({ payment_intent: payment.stripe.payment_intent }, opts))
    .data;
  if (!dispute) throw new Error('no dispute');
  const row = await withTenant(t.database.db, tenant.id, (tx) =>
    syncDispute(tx, { tenantId: tenant.id, account: null }, dispute, new Date()),
  );
  const alert = await withTenant(t.database.db, tenant.id, (tx) =>
    enqueueNotification(
      tx,
      { config: t.config, enqueue: async () => {} },
      {
        tenantId: tenant.id,
        template: 'dispute_opened',
        data: {
          disputeId: `dsp_${row!.row.id.replaceAll('-', '')}`,
          paymentId: payment.id,
          amount: dispute.amount,
          currency: dispute.currency,
          reason: dispute.reason,
          evidenceDueBy: null,
        },
        recipients: [`fx-${tenant.publicId}@example.com`],
        dedupKey: `fixture:${row!.row.id}`,
        suppress: 'turned_off',
      },
    ),
  );
  const invoice = ok<{ id: string }>(
    await api('POST', '/invoices', { lines: [{ description: 'Fixture', quantity: 1, unit_amount: 5000 }] }),
    'invoice',
  );
  const product = ok<{ id: string }>(await api('POST', '/products', { name: 'Fixture plan' }), 'product');
  const price = ok<{ id: string }>(
    await api('POST', '/prices', { product: product.id, unit_amount: 2000, interval: 'month' }),
    'price',
  );
  const subscription = ok<{ id: string }>(
    await api('POST', '/subscriptions', { customer: customer.id, price: price.id, trial_period_days: 30 }),
    'subscription',
  );
  const invitation = ok<{ id: string }>(
    await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/invitations`,
      headers: { authorization: `Bearer ${tenant.key}` },
      payload: { email: `invitee-${tenant.publicId}@example.com` },
    }),
    'invitation',
  );
  const [alertRow] = await withTenant(t.database.db, tenant.id, (tx) =>
    tx
      .insert(usageAlerts)
      .values({
        tenantId: tenant.id,
        metric: 'api_calls',
        periodStart: new Date(),
        limitsVersion: 1,
        threshold: 80,
        limit: 1000,
        used: 800,
        notified: true,
      })
      .returning(),
  );
  const event = fakeEvent({ account });
  const stored = await deliver(t, event, { path: '/webhooks/stripe/connect' });
  if (stored.statusCode !== 200) throw new Error(`event: ${stored.statusCode} ${stored.body}`);
  return {
    customer_id: customer.id,
    payment_method_id: saved.payment_method.id,
    payment_id: payment.id,
    dispute_id: `dsp_${row!.row.id.replaceAll('-', '')}`,
    notification_id: `ntf_${alert.notification.id.replaceAll('-', '')}`,
    event_id: String(event.id),
    invoice_id: invoice.id,
    subscription_id: subscription.id,
    invitation_id: invitation.id,
    alert_id: toPublicId('usageAlert', alertRow!.id),
    ...(await billingAccountFixtures(t, tenant)),
  };
}

/**
 * The tenant's billing customer on the platform account (made by setting its billing contact), a card saved
 * on it and a paid invoice of it, made at the sandbox directly.
 */
export async function billingAccountFixtures(t: TestApp, tenant: TestTenant) {
  const api = tenantApi(t, tenant);
  // the suites' free plan gives the tenant its billing row (no default plan in the suites)
  ok(
    await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/billing/plan`,
      headers: { authorization: `Bearer ${t.platformKey}`, 'idempotency-key': randomUUID() },
      payload: { plan: 'suite_free' },
    }),
    'plan',
  );
  ok(
    await api('POST', '/billing/contact', { email: `bill-${tenant.publicId}@example.com`, name: 'Fx' }),
    'contact',
  );
  const [row] = await withTenant(t.database.db, tenant.id, (tx) =>
    tx.select().from(tenantBilling).where(eq(tenantBilling.tenantId, tenant.id)),
  );
  const customer = row!.stripeCustomerId!;
  const stripe = sandboxStripe(t);
  const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer });
  await stripe.invoiceItems.create({ customer, amount: 1500, currency: 'usd', description: 'Fixture plan' });
  const draft = await stripe.invoices.create({ customer, pending_invoice_items_behavior: 'include' });
  await stripe.invoices.finalizeInvoice(draft.id!);
  await stripe.invoices.pay(draft.id!, { payment_method: 'pm_card_visa' });
  const quote = await withTenant(t.database.db, tenant.id, async (tx) => {
    const [plan] = await tx.select().from(plans).where(eq(plans.lookupKey, 'suite_quoted'));
    const [price] = await tx.select().from(planPrices).where(eq(planPrices.planId, plan!.id));
    const [q] = await tx
      .insert(planQuotes)
      .values({
        tenantId: tenant.id,
        planId: plan!.id,
        planPriceId: price!.id,
        interval: 'month',
        currency: 'usd',
        kind: 'new',
        items: [],
        prorationDate: new Date(),
        lines: [],
        amountDue: 1000,
        effectiveAt: new Date(),
        expiresAt: new Date(Date.now() + 15 * 60_000),
      })
      .returning();
    return q!;
  });
  return { billing_pm_id: pm.id, billing_invoice_id: draft.id!, quote_id: toPublicId('quote', quote.id) };
}

/** Replaces the payments placeholders of a route path. */
export function fillPayments(path: string, f: Partial<PaymentFixtures>): string {
  return path
    .replace(':plan_id', 'plan_00000000000000000000000000000000') // a platform plan: none by that id
    .replace(':case_id', 'dun_00000000000000000000000000000000') // a dunning case: none by that id
    .replace(':support_user_id', 'usr_00000000000000000000000000000000') // a support user: none by that id
    .replace(
      /:(customer_id|payment_method_id|payment_id|dispute_id|notification_id|event_id|invoice_id|subscription_id|invitation_id|alert_id|billing_pm_id|billing_invoice_id|quote_id)/g,
      (_, k: keyof PaymentFixtures) =>
        f[k] ??
        (k === 'event_id'
          ? 'evt_00000000000000000000000000000000'
          : `${{ customer_id: 'cust', payment_method_id: 'cpm', payment_id: 'pay', dispute_id: 'dsp', notification_id: 'ntf', invoice_id: 'inv', subscription_id: 'subs', invitation_id: 'dl', alert_id: 'ualrt', billing_pm_id: 'pm', billing_invoice_id: 'in', quote_id: 'quo' }[k]}_00000000000000000000000000000000`),
    );
}

/**
 * A card saved on the sandbox's hosted setup page (Checkout in setup mode) as the tenant's browser would:
 * `open` asks for the page (the Billing page's or the recovery page's route, answering its `url`); returns
 * the session and where the page sends the browser back.
 */
export async function saveCardOnSetupPage(
  open: () => Promise<{ id: string; url: string }>,
  cardNumber = '4242424242424242',
): Promise<{ session: string; back: string }> {
  const page = await open();
  const posted = await fetch(page.url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      card_number: cardNumber,
      exp: '12 / 34',
      cvc: '123',
      email: 'ap@example.com',
    }),
  });
  const back = String(posted.headers.get('location'));
  if (!back.includes(page.id)) throw new Error(`the setup page did not complete: ${posted.status} ${back}`);
  return { session: page.id, back };
}

/** The browser on the sandbox's hosted 3-D Secure page: complete or fail; returns where it redirects. */
export async function authenticate(url: string, action: 'complete' | 'fail'): Promise<string | null> {
  const page = await fetch(url);
  if (page.status !== 200) throw new Error(`3DS page ${page.status}`);
  const u = new URL(url);
  const res = await fetch(`${u.origin}${u.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ action }),
    redirect: 'manual',
  });
  return res.headers.get('location');
}

/**
 * The free plan `suite_free` the route suites move tenants to, and a hidden paid plan `suite_quoted` their
 * quotes are for (no Stripe objects: nothing accepts them), made once per database.
 */
export async function suitePlan(t: TestApp): Promise<void> {
  const { withSystem } = await import('../../src/db/tenant.ts');
  await withSystem(t.database.db, 'operator.billing', async (tx) => {
    await tx.insert(plans).values({ lookupKey: 'suite_free', name: 'Suite free' }).onConflictDoNothing();
    const [quoted] = await tx
      .insert(plans)
      .values({ lookupKey: 'suite_quoted', name: 'Suite quoted', public: false })
      .onConflictDoNothing()
      .returning();
    if (quoted)
      await tx
        .insert(planPrices)
        .values({ planId: quoted.id, currency: 'usd', interval: 'month', unitAmount: 1000 });
  });
}
