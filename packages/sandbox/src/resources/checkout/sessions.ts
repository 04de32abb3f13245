// Checkout Sessions (mode payment | subscription | setup): the session object and what it keeps for its
// completion, expiry (`expires_at`, `/expire`), lookup.
import { type App, type Ctx, systemCtx } from '../../app.ts';
import { onJob, schedule, unschedule } from '../../billing/scheduler.ts';
import { changes, emit, snapshot } from '../../events.ts';
import { requireOwn } from '../../lookup.ts';
import type { CheckoutSession } from '../../objects/checkout.ts';
import { invalidRequest } from '../../wire/errors.ts';
import { newId, nowSeconds } from '../../wire/ids.ts';
import { type Item, itemObject, itemsTable } from './items.ts';
import type { PaymentIntentData, SetupIntentData, SubscriptionData } from './params.ts';

export interface SessionInput {
  mode: string;
  items: Item[];
  success_url: string | null;
  cancel_url: string | null;
  customer: string | null;
  customer_email: string | null;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  payment_intent_data: PaymentIntentData | null;
  subscription_data: SubscriptionData | null;
  /** setup mode: what the SetupIntent gets (description, metadata, on_behalf_of) */
  setup_intent_data?: SetupIntentData | null;
  /** the methods the page offers (`allowed_payment_method_types`, or the older `payment_method_types`) */
  payment_method_types?: (string | null)[] | null;
  allowed_payment_method_types?: (string | null)[] | null;
  expires_at: number | null;
  payment_link: string | null;
  customer_creation: string | null;
  currency: string | null;
  application_fee_percent: number | null;
}

/** What a session keeps besides its object, for completing it. */
interface SessionData {
  pid: PaymentIntentData | null;
  sd: SubscriptionData | null;
  sid: SetupIntentData | null;
  feePct: number | null;
  items: { price: string; quantity: number }[];
}

export const sessionData = (app: App) => app.store.table<SessionData>('checkout_data');

/** `custom_text` with no text set (sessions and payment links). */
export function noCustomText() {
  return { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null };
}

export function newSession(ctx: Ctx, s: SessionInput): CheckoutSession {
  const now = nowSeconds();
  const id = newId('cs_test');
  const lineObjs = s.items.map((it) => itemObject(ctx, it));
  const subtotal = lineObjs.reduce((a, l) => a + l.amount_total, 0);
  const currency = s.currency ?? s.items[0]?.price.currency ?? null;
  const cs: CheckoutSession = {
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
    custom_text: noCustomText(),
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
    at: cs.expires_at,
    owner: ctx.account,
    clock: null,
    kind: 'checkout_expire',
    target: id,
  });
  return cs;
}

export function expire(ctx: Ctx, cs: CheckoutSession): void {
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

export function requireSession(ctx: Ctx, id: string): CheckoutSession {
  return requireOwn(ctx, 'checkout.session', id, 'session');
}
