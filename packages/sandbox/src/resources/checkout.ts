// Checkout Sessions (mode payment | subscription | setup) and Payment Links. Both are paid on hosted pages
// (pages/checkout.ts); completion reuses PaymentIntents, SetupIntents and subscriptions, so the payment,
// fees and events are the ones the API paths produce, followed by `checkout.session.completed`.
import { type App, type Ctx, systemCtx } from '../app.ts';
import { onJob, schedule, unschedule } from '../billing/scheduler.ts';
import { DECLINE_MESSAGE } from '../cards.ts';
import { changes, emit, snapshot } from '../events.ts';
import { confirmPaymentIntent, onAsyncPaymentFailed, onPaymentSucceeded } from '../payments/confirm.ts';
import type { Router } from '../router.ts';
import type { Obj } from '../store.ts';
import { isConnected } from '../wire/auth.ts';
import { invalidRequest, notFound, StripeError } from '../wire/errors.ts';
import { registerExpandOnly } from '../wire/expand.ts';
import { newId, nowSeconds, randomString } from '../wire/ids.ts';
import { paginate } from '../wire/list.ts';
import {
  any,
  arr,
  bool,
  enm,
  hash,
  int,
  listParams,
  mergeMetadata,
  metadata,
  obj,
  type Params,
  str,
  validate,
} from '../wire/schema.ts';
import { requireCustomer } from './customers.ts';
import { createPaymentIntent } from './payment_intents.ts';
import { attach, testCardOf } from './payment_methods.ts';
import { createPrice, priceAmount, priceDataShape, requirePrice } from './products.ts';
import { createSetupIntent } from './setup_intents.ts';
import { createSubscriptionFor } from './subscriptions.ts';

const lineItemShape = obj({
  price: str,
  price_data: obj({ ...priceDataShape, product: str }),
  quantity: int,
  adjustable_quantity: hash,
  dynamic_tax_rates: arr(str),
  tax_rates: arr(str),
  metadata,
});

const pidShape = obj({
  application_fee_amount: int,
  capture_method: enm('automatic', 'automatic_async', 'manual'),
  description: str,
  metadata,
  on_behalf_of: str,
  receipt_email: str,
  setup_future_usage: enm('off_session', 'on_session'),
  shipping: hash,
  statement_descriptor: str,
  statement_descriptor_suffix: str,
  transfer_data: obj({ destination: str, amount: int }),
  transfer_group: str,
});

/** Passed to the SetupIntent a `setup`-mode session creates (Stripe's `setup_intent_data`). */
const sidShape = obj({ description: str, metadata, on_behalf_of: str });

const sdShape = obj({
  application_fee_percent: any,
  billing_cycle_anchor: int,
  description: str,
  metadata,
  on_behalf_of: str,
  proration_behavior: str,
  transfer_data: hash,
  trial_end: int,
  trial_period_days: int,
  trial_settings: hash,
  invoice_settings: hash,
  default_tax_rates: arr(str),
  billing_mode: hash,
});

interface Item {
  price: Obj;
  quantity: number;
}

function buildItems(ctx: Ctx, raw: Params[] | null, param = 'line_items'): Item[] {
  return (raw ?? []).map((li, i) => {
    let price: Obj;
    if (li.price) price = requirePrice(ctx, String(li.price), `${param}[${i}][price]`);
    else if (li.price_data) price = createPrice(ctx, { ...(li.price_data as Params), active: false }, false);
    else
      throw invalidRequest(
        `Missing required param: ${param}[${i}][price].`,
        `${param}[${i}][price]`,
        'parameter_missing',
      );
    return { price, quantity: (li.quantity as number | null) ?? 1 };
  });
}

function itemObject(ctx: Ctx, it: Item): Obj {
  const amount = priceAmount(ctx, it.price, it.quantity);
  const prod = ctx.app.store.get(ctx.account, String(it.price.product), 'product');
  return {
    id: newId('li'),
    object: 'item',
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: it.price.currency,
    description: (prod?.name as string | undefined) ?? null,
    metadata: {},
    price: it.price,
    quantity: it.quantity,
  };
}

function itemsTable(app: App) {
  return app.store.table<Obj[]>('checkout_items');
}

registerExpandOnly('checkout.session', 'line_items', (o, store) => ({
  object: 'list',
  data: store.table<Obj[]>('checkout_items').get(String(o.id)) ?? [],
  has_more: false,
  url: `/v1/checkout/sessions/${o.id}/line_items`,
}));
registerExpandOnly('payment_link', 'line_items', (o, store) => ({
  object: 'list',
  data: store.table<Obj[]>('checkout_items').get(String(o.id)) ?? [],
  has_more: false,
  url: `/v1/payment_links/${o.id}/line_items`,
}));

export interface SessionInput {
  mode: string;
  items: Item[];
  success_url: string | null;
  cancel_url: string | null;
  customer: string | null;
  customer_email: string | null;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  payment_intent_data: Params | null;
  subscription_data: Params | null;
  /** setup mode: what the SetupIntent gets (description, metadata, on_behalf_of) */
  setup_intent_data?: Params | null;
  /** the methods the page offers (`allowed_payment_method_types`, or the older `payment_method_types`) */
  payment_method_types?: string[] | null;
  allowed_payment_method_types?: string[] | null;
  expires_at: number | null;
  payment_link: string | null;
  customer_creation: string | null;
  currency: string | null;
  application_fee_percent: number | null;
}

/** What a session keeps besides its object, for completing it. */
interface SessionData {
  pid: Params | null;
  sd: Params | null;
  sid: Params | null;
  feePct: number | null;
  items: { price: string; quantity: number }[];
}

const sessionData = (app: App) => app.store.table<SessionData>('checkout_data');

export function newSession(ctx: Ctx, s: SessionInput): Obj {
  const now = nowSeconds();
  const id = newId('cs_test');
  const lineObjs = s.items.map((it) => itemObject(ctx, it));
  const subtotal = lineObjs.reduce((a, l) => a + (l.amount_total as number), 0);
  const currency = s.currency ?? (s.items[0]?.price.currency as string | undefined) ?? null;
  const cs: Obj = {
    id,
    object: 'checkout.session',
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: null,
    allowed_payment_method_types: s.allowed_payment_method_types ?? null,
    amount_subtotal: s.mode === 'setup' ? null : subtotal,
    amount_total: s.mode === 'setup' ? null : subtotal,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: s.cancel_url,
    client_reference_id: s.client_reference_id,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: {
      after_submit: null,
      shipping_address: null,
      submit: null,
      terms_of_service_acceptance: null,
    },
    customer: s.customer,
    customer_account: null,
    customer_creation: s.customer
      ? null
      : s.mode === 'payment'
        ? (s.customer_creation ?? 'if_required')
        : null,
    customer_details: s.customer_email
      ? {
          address: null,
          business_name: null,
          email: s.customer_email,
          individual_name: null,
          name: null,
          phone: null,
          tax_exempt: 'none',
          tax_ids: null,
        }
      : null,
    customer_email: s.customer_email,
    discounts: [],
    expires_at: s.expires_at ?? now + 24 * 3600,
    integration_identifier: null,
    invoice: null,
    invoice_creation:
      s.mode === 'payment'
        ? {
            enabled: false,
            invoice_data: {
              account_tax_ids: null,
              custom_fields: null,
              description: null,
              footer: null,
              issuer: null,
              metadata: {},
              rendering_options: null,
            },
          }
        : null,
    livemode: false,
    locale: null,
    managed_payments: null,
    metadata: s.metadata,
    mode: s.mode,
    origin_context: null,
    payment_intent: null,
    payment_link: s.payment_link,
    payment_method_collection: s.mode === 'payment' ? null : 'always',
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: s.allowed_payment_method_types?.length
      ? s.allowed_payment_method_types
      : s.payment_method_types?.length
        ? s.payment_method_types
        : ['card'],
    payment_status: s.mode === 'setup' ? 'no_payment_required' : 'unpaid',
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: s.success_url,
    total_details: s.mode === 'setup' ? null : { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: `${ctx.app.config.publicUrl}/c/pay/${id}`,
    wallet_options: null,
  };
  ctx.app.store.insert(ctx.account, cs);
  itemsTable(ctx.app).set(id, lineObjs);
  sessionData(ctx.app).set(id, {
    pid: s.payment_intent_data,
    sd: s.subscription_data,
    sid: s.setup_intent_data ?? null,
    feePct: s.application_fee_percent,
    items: s.items.map((i) => ({ price: i.price.id, quantity: i.quantity })),
  });
  schedule(ctx.app, {
    at: cs.expires_at as number,
    owner: ctx.account,
    clock: null,
    kind: 'checkout_expire',
    target: id,
  });
  return cs;
}

function expire(ctx: Ctx, cs: Obj): void {
  if (cs.status !== 'open') {
    throw invalidRequest(
      `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${cs.status}".`,
    );
  }
  const before = snapshot(cs);
  cs.status = 'expired';
  cs.url = null;
  unschedule(ctx.app, cs.id);
  ctx.app.store.changed();
  emit(ctx, 'checkout.session.expired', cs, { previous: changes(before, cs) });
}

onJob('checkout_expire', (app, job) => {
  const cs = app.store.get(job.owner, job.target, 'checkout.session');
  if (cs?.status === 'open') expire(systemCtx(app, job.owner), cs);
});

export interface CompleteResult {
  ok: boolean;
  error: string | null;
  /** A 3-D Secure page to visit first. */
  redirect: string | null;
}

function customerFor(ctx: Ctx, cs: Obj, email: string | null): string | null {
  if (cs.customer) return String(cs.customer);
  if (cs.mode === 'payment' && cs.customer_creation !== 'always') return null;
  const cus: Obj = {
    id: newId('cus'),
    object: 'customer',
    address: null,
    balance: 0,
    created: nowSeconds(),
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email,
    invoice_prefix: randomString(8).toUpperCase(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
  ctx.app.store.insert(ctx.account, cus);
  emit(ctx, 'customer.created', cus);
  cs.customer = cus.id;
  return cus.id;
}

/** Pay a session with a card PaymentMethod (the hosted page). */
export function completeSession(ctx: Ctx, cs: Obj, pm: Obj, email: string | null): CompleteResult {
  if (cs.status !== 'open')
    return { ok: false, error: `This Checkout Session is ${cs.status}.`, redirect: null };
  const data = sessionData(ctx.app).get(cs.id)!;
  const customer = customerFor(ctx, cs, email);
  try {
    if (cs.mode === 'payment') {
      const pid = data.pid ?? {};
      let pi = cs.payment_intent
        ? ctx.app.store.get(ctx.account, String(cs.payment_intent), 'payment_intent')
        : undefined;
      if (!pi) {
        const fee =
          (pid.application_fee_amount as number | null | undefined) ??
          (data.feePct != null ? Math.round(((cs.amount_total as number) * data.feePct) / 100) : null);
        const params: Params = {
          amount: cs.amount_total,
          currency: cs.currency,
          customer,
          allowed_payment_method_types: ['card', 'us_bank_account'],
          metadata: pid.metadata ?? {},
          description: pid.description ?? null,
          capture_method: pid.capture_method ?? 'automatic_async',
          setup_future_usage: pid.setup_future_usage ?? null,
          on_behalf_of: pid.on_behalf_of ?? null,
          transfer_data: pid.transfer_data ?? null,
          transfer_group: pid.transfer_group ?? null,
          statement_descriptor: pid.statement_descriptor ?? null,
          receipt_email: email,
        };
        if (fee != null) params.application_fee_amount = fee;
        pi = createPaymentIntent(ctx, params);
        cs.payment_intent = pi.id;
        ctx.app.store.table<string>('checkout_by_pi').set(pi.id, cs.id);
      }
      pi.payment_method = pm.id;
      pi.status = 'requires_confirmation';
      confirmPaymentIntent(ctx, pi, {
        offSession: false,
        returnUrl: `${ctx.app.config.publicUrl}/c/return/${cs.id}`,
        errorOnRequiresAction: false,
      });
      if (pi.status === 'requires_action') {
        const next = pi.next_action as { redirect_to_url?: { url: string } } | null;
        return { ok: false, error: null, redirect: next?.redirect_to_url?.url ?? null };
      }
      if (pi.status !== 'succeeded' && pi.status !== 'requires_capture' && pi.status !== 'processing') {
        return { ok: false, error: 'Your payment was not completed.', redirect: null };
      }
      finishSession(ctx, cs, email);
      return { ok: true, error: null, redirect: null };
    }
    if (cs.mode === 'subscription') {
      if (!customer) throw invalidRequest('A customer is required.');
      // Checkout creates the subscription only once the card is accepted.
      const outcome = testCardOf(ctx, pm)?.outcome;
      if (outcome === 'decline' || outcome === 'charge_fail')
        return { ok: false, error: DECLINE_MESSAGE, redirect: null };
      attach(ctx, pm, customer);
      const sd = data.sd ?? {};
      const sub = createSubscriptionFor(ctx, {
        customer,
        items: data.items,
        default_payment_method: pm.id,
        application_fee_percent:
          sd.application_fee_percent != null ? Number(sd.application_fee_percent) : data.feePct,
        trial_period_days: (sd.trial_period_days as number | null) ?? null,
        metadata: mergeMetadata({}, sd.metadata),
        description: (sd.description as string | null) ?? null,
        payment_behavior: 'allow_incomplete',
        off_session: false,
      });
      if (sub.status === 'incomplete') {
        return { ok: false, error: 'Your card was declined.', redirect: null };
      }
      cs.subscription = sub.id;
      cs.invoice = sub.latest_invoice;
      finishSession(ctx, cs, email);
      return { ok: true, error: null, redirect: null };
    }
    const types = cs.payment_method_types as string[];
    if (!types.includes(String(pm.type)))
      return { ok: false, error: 'This payment method is not accepted here.', redirect: null };
    const sid = data.sid ?? {};
    const si = createSetupIntent(ctx, {
      customer,
      payment_method: pm.id,
      confirm: true,
      usage: 'off_session',
      allowed_payment_method_types: types,
      description: sid.description ?? null,
      metadata: sid.metadata ?? {},
      on_behalf_of: sid.on_behalf_of ?? null,
      // 3-D Secure on setup comes back to the session (checkoutReturn), as a payment's does
      return_url: `${ctx.app.config.publicUrl}/c/return/${cs.id}`,
    });
    cs.setup_intent = si.id;
    if (si.status === 'requires_action') {
      const next = si.next_action as { redirect_to_url?: { url: string } } | null;
      return { ok: false, error: null, redirect: next?.redirect_to_url?.url ?? null };
    }
    if (si.status !== 'succeeded') return { ok: false, error: 'Card setup failed.', redirect: null };
    finishSession(ctx, cs, email);
    return { ok: true, error: null, redirect: null };
  } catch (e) {
    ctx.app.store.changed();
    if (e instanceof StripeError) return { ok: false, error: e.body.message, redirect: null };
    throw e;
  }
}

export function finishSession(ctx: Ctx, cs: Obj, email: string | null): void {
  if (cs.status !== 'open') return;
  cs.status = 'complete';
  cs.url = null;
  cs.payment_status = cs.mode === 'setup' ? 'no_payment_required' : 'paid';
  const pi = cs.payment_intent
    ? ctx.app.store.get(ctx.account, String(cs.payment_intent), 'payment_intent')
    : undefined;
  if (pi?.status === 'processing') cs.payment_status = 'unpaid';
  if (cs.mode === 'subscription' && cs.invoice) {
    const inv = ctx.app.store.get(ctx.account, String(cs.invoice), 'invoice');
    if (inv && inv.amount_due === 0) cs.payment_status = 'no_payment_required';
  }
  cs.customer_details = {
    address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
    business_name: null,
    email: email ?? (cs.customer_details as Params | null)?.email ?? null,
    individual_name: null,
    name: null,
    phone: null,
    tax_exempt: 'none',
    tax_ids: [],
  };
  unschedule(ctx.app, cs.id);
  ctx.app.store.changed();
  emit(ctx, 'checkout.session.completed', cs);
  if (cs.payment_link) {
    const link = ctx.app.store.get(ctx.account, String(cs.payment_link), 'payment_link');
    const done = link?.restrictions as { completed_sessions: { count: number; limit: number } } | null;
    if (link && done) {
      const before = snapshot(link);
      done.completed_sessions.count += 1;
      if (done.completed_sessions.count >= done.completed_sessions.limit) link.active = false;
      ctx.app.store.changed();
      emit(ctx, 'payment_link.updated', link, { previous: changes(before, link) });
    }
  }
}

/** Where the browser goes after paying. */
export function afterCompletion(ctx: Ctx, cs: Obj): string {
  if (cs.payment_link) {
    const link = ctx.app.store.get(ctx.account, String(cs.payment_link), 'payment_link');
    const ac = link?.after_completion as { type: string; redirect: { url: string } | null } | undefined;
    if (ac?.type === 'redirect' && ac.redirect)
      return ac.redirect.url.replaceAll('{CHECKOUT_SESSION_ID}', cs.id);
    return `${ctx.app.config.publicUrl}/c/done/${cs.id}`;
  }
  if (cs.success_url) return String(cs.success_url).replaceAll('{CHECKOUT_SESSION_ID}', cs.id);
  return `${ctx.app.config.publicUrl}/c/done/${cs.id}`;
}

function sessionOfPi(ctx: Ctx, pi: Obj): Obj | undefined {
  const id = ctx.app.store.table<string>('checkout_by_pi').get(pi.id);
  return id ? ctx.app.store.get(ctx.account, id, 'checkout.session') : undefined;
}

// Bank debits settle after the session completed: Stripe follows up with async_payment_* events.
onPaymentSucceeded((ctx, pi) => {
  const cs = sessionOfPi(ctx, pi);
  if (cs?.status !== 'complete' || cs.payment_status !== 'unpaid') return;
  cs.payment_status = 'paid';
  ctx.app.store.changed();
  emit(ctx, 'checkout.session.async_payment_succeeded', cs, { previous: { payment_status: 'unpaid' } });
});
onAsyncPaymentFailed((ctx, pi) => {
  const cs = sessionOfPi(ctx, pi);
  if (cs?.status === 'complete' && cs.payment_status === 'unpaid')
    emit(ctx, 'checkout.session.async_payment_failed', cs);
});

export function requireSession(ctx: Ctx, id: string): Obj {
  const cs = ctx.app.store.get(ctx.account, id, 'checkout.session');
  if (!cs) throw notFound('checkout.session', id, 'session');
  return cs;
}

function requireLink(ctx: Ctx, id: string): Obj {
  const l = ctx.app.store.get(ctx.account, id, 'payment_link');
  if (!l) throw notFound('payment_link', id, 'id');
  return l;
}

export function linkTokens(app: App) {
  return app.store.table<{ owner: string; link: string }>('payment_link_tokens');
}

/** A new session for one visit to a payment link's URL. */
export function sessionForLink(ctx: Ctx, link: Obj): Obj {
  const data = ctx.app.store
    .table<{ items: { price: string; quantity: number }[]; pid: Params | null; sd: Params | null }>(
      'payment_link_data',
    )
    .get(link.id)!;
  const items = data.items.map((i) => ({ price: requirePrice(ctx, i.price), quantity: i.quantity }));
  const mode = items.some((i) => i.price.type === 'recurring') ? 'subscription' : 'payment';
  const pid: Params = { ...(data.pid ?? {}) };
  if (link.application_fee_amount != null) pid.application_fee_amount = link.application_fee_amount;
  const td = link.transfer_data as Params | null;
  if (td) pid.transfer_data = { destination: td.destination, amount: td.amount ?? null };
  if (link.on_behalf_of) pid.on_behalf_of = link.on_behalf_of;
  return newSession(ctx, {
    mode,
    items,
    success_url: null,
    cancel_url: null,
    customer: null,
    customer_email: null,
    client_reference_id: null,
    metadata: { ...(link.metadata as Record<string, string>) },
    payment_intent_data: pid,
    subscription_data: data.sd,
    expires_at: null,
    payment_link: link.id,
    customer_creation: link.customer_creation as string,
    currency: null,
    application_fee_percent: (link.application_fee_percent as number | null) ?? null,
  });
}

export function registerCheckout(r: Router): void {
  r.post('/v1/checkout/sessions', (ctx) => {
    const p = validate(
      {
        adaptive_pricing: hash,
        after_expiration: hash,
        allow_promotion_codes: bool,
        allowed_payment_method_types: arr(str),
        automatic_tax: hash,
        billing_address_collection: enm('auto', 'required'),
        cancel_url: str,
        client_reference_id: str,
        consent_collection: hash,
        currency: str,
        custom_fields: any,
        custom_text: hash,
        customer: str,
        customer_creation: enm('always', 'if_required'),
        customer_email: str,
        customer_update: hash,
        discounts: any,
        expires_at: int,
        invoice_creation: hash,
        line_items: arr(lineItemShape),
        locale: str,
        metadata,
        mode: enm('payment', 'setup', 'subscription'),
        payment_intent_data: pidShape,
        payment_method_collection: enm('always', 'if_required'),
        payment_method_configuration: str,
        payment_method_options: hash,
        payment_method_types: arr(str),
        phone_number_collection: hash,
        redirect_on_completion: str,
        return_url: str,
        setup_intent_data: sidShape,
        shipping_address_collection: hash,
        shipping_options: any,
        submit_type: str,
        subscription_data: sdShape,
        success_url: str,
        tax_id_collection: hash,
        ui_mode: enm('hosted', 'embedded', 'custom'),
      },
      ctx.params,
    );
    const mode = (p.mode as string | null) ?? 'payment';
    if (p.customer) requireCustomer(ctx, String(p.customer), 'customer');
    const items = buildItems(ctx, p.line_items as Params[] | null);
    if (mode !== 'setup' && !items.length)
      throw invalidRequest(
        '`line_items` is required in `payment` and `subscription` mode.',
        'line_items',
        'parameter_missing',
      );
    if (mode === 'subscription' && !items.some((i) => i.price.type === 'recurring')) {
      throw invalidRequest(
        'You must provide at least one recurring price in `subscription` mode when using prices.',
        'line_items',
      );
    }
    if (mode === 'payment' && items.some((i) => i.price.type === 'recurring')) {
      throw invalidRequest(
        'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
        'line_items',
      );
    }
    if (mode === 'setup' && !p.currency && !p.payment_method_types && !p.allowed_payment_method_types) {
      // Stripe asks for currency (or the payment method types) in setup mode.
      throw invalidRequest('Missing required param: currency.', 'currency', 'parameter_missing');
    }
    const sid = p.setup_intent_data as Params | null;
    if (sid?.on_behalf_of && (!ctx.platform || !isConnected(ctx.app, String(sid.on_behalf_of)))) {
      throw invalidRequest(
        `No such account: '${sid.on_behalf_of}'`,
        'setup_intent_data[on_behalf_of]',
        'resource_missing',
      );
    }
    const pid = p.payment_intent_data as Params | null;
    if (
      pid?.application_fee_amount != null &&
      ctx.platform &&
      !(pid.transfer_data as Params | null)?.destination
    ) {
      throw invalidRequest(
        'Can only apply an application_fee_amount when the PaymentIntent is attempting a direct payment (using an OAuth key or Stripe-Account header) or destination payment (using `transfer_data[destination]`).',
        'payment_intent_data[application_fee_amount]',
      );
    }
    const now = nowSeconds();
    const exp = p.expires_at as number | null;
    if (exp != null && (exp < now + 30 * 60 || exp > now + 24 * 3600)) {
      throw invalidRequest(
        'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.',
        'expires_at',
      );
    }
    const cs = newSession(ctx, {
      mode,
      items,
      success_url: (p.success_url as string | null) ?? null,
      cancel_url: (p.cancel_url as string | null) ?? null,
      customer: (p.customer as string | null) ?? null,
      customer_email: (p.customer_email as string | null) ?? null,
      client_reference_id: (p.client_reference_id as string | null) ?? null,
      metadata: mergeMetadata({}, p.metadata),
      payment_intent_data: pid,
      subscription_data: (p.subscription_data as Params | null) ?? null,
      setup_intent_data: sid ? { ...sid, metadata: mergeMetadata({}, sid.metadata) } : null,
      payment_method_types: (p.payment_method_types as string[] | null) ?? null,
      allowed_payment_method_types: (p.allowed_payment_method_types as string[] | null) ?? null,
      expires_at: exp,
      payment_link: null,
      customer_creation: (p.customer_creation as string | null) ?? null,
      currency: p.currency ? String(p.currency).toLowerCase() : null,
      application_fee_percent: null,
    });
    return cs;
  });
  r.get('/v1/checkout/sessions/:id', (ctx) => {
    validate({}, ctx.params);
    return requireSession(ctx, ctx.path[0]!);
  });
  r.get('/v1/checkout/sessions/:id/line_items', (ctx) => {
    const p = validate(listParams, ctx.params);
    const cs = requireSession(ctx, ctx.path[0]!);
    return paginate(itemsTable(ctx.app).get(cs.id) ?? [], p, `/v1/checkout/sessions/${cs.id}/line_items`);
  });
  r.post('/v1/checkout/sessions/:id/expire', (ctx) => {
    validate({}, ctx.params);
    const cs = requireSession(ctx, ctx.path[0]!);
    expire(ctx, cs);
    return cs;
  });
  r.post('/v1/checkout/sessions/:id', (ctx) => {
    const p = validate(
      { metadata, collected_information: hash, line_items: any, shipping_options: any },
      ctx.params,
    );
    const cs = requireSession(ctx, ctx.path[0]!);
    if (p.metadata !== undefined)
      cs.metadata = mergeMetadata(cs.metadata as Record<string, string>, p.metadata);
    ctx.app.store.changed();
    return cs;
  });
  r.get('/v1/checkout/sessions', (ctx) => {
    const p = validate(
      {
        ...listParams,
        customer: str,
        customer_details: hash,
        payment_intent: str,
        payment_link: str,
        status: str,
        subscription: str,
        customer_account: str,
      },
      ctx.params,
    );
    return paginate(
      ctx.app.store.list(ctx.account, 'checkout.session'),
      p,
      '/v1/checkout/sessions',
      (o) =>
        (!p.customer || o.customer === p.customer) &&
        (!p.payment_intent || o.payment_intent === p.payment_intent) &&
        (!p.payment_link || o.payment_link === p.payment_link) &&
        (!p.status || o.status === p.status) &&
        (!p.subscription || o.subscription === p.subscription),
    );
  });

  const linkShape = {
    after_completion: obj({
      type: enm('hosted_confirmation', 'redirect'),
      hosted_confirmation: obj({ custom_message: str }),
      redirect: obj({ url: str }, ['url']),
    }),
    allow_promotion_codes: bool,
    application_fee_amount: int,
    application_fee_percent: any,
    automatic_tax: hash,
    billing_address_collection: enm('auto', 'required'),
    consent_collection: hash,
    currency: str,
    custom_fields: any,
    custom_text: hash,
    customer_creation: enm('always', 'if_required'),
    inactive_message: str,
    invoice_creation: hash,
    line_items: arr(lineItemShape),
    metadata,
    on_behalf_of: str,
    optional_items: any,
    payment_intent_data: pidShape,
    payment_method_collection: enm('always', 'if_required'),
    payment_method_types: arr(str),
    phone_number_collection: hash,
    restrictions: obj({ completed_sessions: obj({ limit: int }, ['limit']) }),
    shipping_address_collection: hash,
    shipping_options: any,
    submit_type: str,
    subscription_data: sdShape,
    tax_id_collection: hash,
    transfer_data: obj({ destination: str, amount: int }, ['destination']),
    active: bool,
    name_collection: hash,
  };

  r.post('/v1/payment_links', (ctx) => {
    const p = validate(linkShape, ctx.params, ['line_items']);
    const items = buildItems(ctx, p.line_items as Params[]);
    if (p.application_fee_amount != null && ctx.platform && !p.transfer_data) {
      throw invalidRequest(
        'Can only apply an application_fee_amount when the Payment Link is on a connected account (Stripe-Account) or has transfer_data[destination].',
        'application_fee_amount',
      );
    }
    const token = `test_${randomString(24)}`;
    const ac = p.after_completion as Params | null;
    const limit = ((p.restrictions as Params | null)?.completed_sessions as Params | undefined)?.limit as
      | number
      | undefined;
    const pid = p.payment_intent_data as Params | null;
    const td = p.transfer_data as Params | null;
    const link: Obj = {
      id: newId('plink'),
      object: 'payment_link',
      active: p.active ?? true,
      after_completion:
        ac?.type === 'redirect'
          ? { redirect: { url: (ac.redirect as Params).url }, type: 'redirect' }
          : {
              hosted_confirmation: {
                custom_message:
                  ((ac?.hosted_confirmation as Params | null)?.custom_message as string | null) ?? null,
              },
              type: 'hosted_confirmation',
            },
      allow_promotion_codes: p.allow_promotion_codes ?? false,
      application: ctx.platform ? null : ctx.app.config.connectClientId,
      application_fee_amount: p.application_fee_amount ?? null,
      application_fee_percent: p.application_fee_percent != null ? Number(p.application_fee_percent) : null,
      automatic_tax: { enabled: false, liability: null },
      billing_address_collection: p.billing_address_collection ?? 'auto',
      consent_collection: null,
      currency: items[0]?.price.currency ?? 'usd',
      custom_fields: [],
      custom_text: {
        after_submit: null,
        shipping_address: null,
        submit: null,
        terms_of_service_acceptance: null,
      },
      customer_creation: p.customer_creation ?? 'if_required',
      inactive_message: p.inactive_message ?? null,
      invoice_creation: null,
      livemode: false,
      managed_payments: null,
      metadata: mergeMetadata({}, p.metadata),
      on_behalf_of: p.on_behalf_of ?? null,
      payment_intent_data: pid
        ? {
            capture_method: pid.capture_method ?? null,
            description: pid.description ?? null,
            metadata: mergeMetadata({}, pid.metadata),
            setup_future_usage: pid.setup_future_usage ?? null,
            statement_descriptor: pid.statement_descriptor ?? null,
            statement_descriptor_suffix: pid.statement_descriptor_suffix ?? null,
            transfer_group: pid.transfer_group ?? null,
          }
        : null,
      payment_method_collection: p.payment_method_collection ?? 'always',
      payment_method_options: null,
      payment_method_types: p.payment_method_types ?? null,
      phone_number_collection: { enabled: false },
      restrictions: limit != null ? { completed_sessions: { count: 0, limit } } : null,
      shipping_address_collection: null,
      shipping_options: [],
      submit_type: p.submit_type ?? 'auto',
      subscription_data: null,
      tax_id_collection: { enabled: false, required: 'never' },
      transfer_data: td ? { amount: td.amount ?? null, destination: td.destination } : null,
      url: `${ctx.app.config.publicUrl}/b/${token}`,
    };
    ctx.app.store.insert(ctx.account, link);
    linkTokens(ctx.app).set(token, { owner: ctx.account, link: link.id });
    itemsTable(ctx.app).set(
      link.id,
      items.map((it) => itemObject(ctx, it)),
    );
    ctx.app.store.table<Params>('payment_link_data').set(link.id, {
      items: items.map((i) => ({ price: i.price.id, quantity: i.quantity })),
      pid: pid ? { ...pid, metadata: mergeMetadata({}, pid.metadata) } : null,
      sd: (p.subscription_data as Params | null) ?? null,
    });
    emit(ctx, 'payment_link.created', link);
    return link;
  });
  r.get('/v1/payment_links/:id', (ctx) => {
    validate({}, ctx.params);
    return requireLink(ctx, ctx.path[0]!);
  });
  r.get('/v1/payment_links/:id/line_items', (ctx) => {
    const p = validate(listParams, ctx.params);
    const link = requireLink(ctx, ctx.path[0]!);
    return paginate(itemsTable(ctx.app).get(link.id) ?? [], p, `/v1/payment_links/${link.id}/line_items`);
  });
  r.post('/v1/payment_links/:id', (ctx) => {
    const p = validate(
      {
        active: bool,
        after_completion: linkShape.after_completion,
        metadata,
        inactive_message: str,
        restrictions: any,
        payment_intent_data: pidShape,
        allow_promotion_codes: bool,
        custom_fields: any,
        custom_text: hash,
        customer_creation: str,
        invoice_creation: hash,
        line_items: any,
        billing_address_collection: str,
        payment_method_collection: str,
        payment_method_types: any,
        phone_number_collection: hash,
        shipping_address_collection: hash,
        submit_type: str,
        subscription_data: hash,
        tax_id_collection: hash,
        automatic_tax: hash,
        name_collection: hash,
        optional_items: any,
      },
      ctx.params,
    );
    const link = requireLink(ctx, ctx.path[0]!);
    const before = snapshot(link);
    if (p.active != null) link.active = p.active;
    if (p.inactive_message !== undefined) link.inactive_message = p.inactive_message;
    if (p.metadata !== undefined)
      link.metadata = mergeMetadata(link.metadata as Record<string, string>, p.metadata);
    const ac = p.after_completion as Params | null | undefined;
    if (ac) {
      link.after_completion =
        ac.type === 'redirect'
          ? { redirect: { url: (ac.redirect as Params).url }, type: 'redirect' }
          : { hosted_confirmation: { custom_message: null }, type: 'hosted_confirmation' };
    }
    ctx.app.store.changed();
    emit(ctx, 'payment_link.updated', link, { previous: changes(before, link) });
    return link;
  });
  r.get('/v1/payment_links', (ctx) => {
    const p = validate({ ...listParams, active: bool }, ctx.params);
    return paginate(
      ctx.app.store.list(ctx.account, 'payment_link'),
      p,
      '/v1/payment_links',
      (o) => p.active == null || o.active === p.active,
    );
  });
}
