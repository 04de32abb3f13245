// PaymentIntents: create/retrieve/update/confirm/capture/cancel/list/search, direct and destination
// charges. Confirmation itself lives in payments/confirm.ts.

import type { Ctx } from '../app.ts';
import { emit } from '../events.ts';
import { requireOwn } from '../lookup.ts';
import { requireCurrency, THREE_DECIMAL } from '../money/currencies.ts';
import { settleCharge } from '../money/settle.ts';
import type { PaymentIntent } from '../objects/payments.ts';
import { confirmPaymentIntent, expectStatus } from '../payments/confirm.ts';
import type { Router } from '../router.ts';
import { isConnected } from '../wire/auth.ts';
import { invalidRequest, notFound } from '../wire/errors.ts';
import { clientSecret, newId, nowSeconds } from '../wire/ids.ts';
import { paginate, search } from '../wire/list.ts';
import {
  any,
  arr,
  assignSent,
  bool,
  enm,
  hash,
  int,
  listParams,
  mergeMetadata,
  metadata,
  obj,
  oneOf,
  str,
  type Valid,
  validate,
} from '../wire/schema.ts';
import { requireCustomer } from './customers/model.ts';
import { openDisputeAfterCapture } from './disputes.ts';
import {
  createPaymentMethod,
  type PaymentMethodData,
  paymentMethodDataShape,
  requireUsableBy,
  resolvePaymentMethod,
} from './payment_methods.ts';

const common = {
  amount_details: hash,
  application_fee_amount: int,
  capture_method: enm('automatic', 'automatic_async', 'manual'),
  customer: str,
  customer_account: str,
  description: str,
  excluded_payment_method_types: arr(str),
  allowed_payment_method_types: arr(str),
  hooks: hash,
  metadata,
  payment_details: hash,
  payment_method: str,
  payment_method_configuration: str,
  payment_method_data: obj(paymentMethodDataShape),
  payment_method_options: hash,
  receipt_email: str,
  setup_future_usage: enm('off_session', 'on_session'),
  shipping: hash,
  statement_descriptor: str,
  statement_descriptor_suffix: str,
  transfer_group: str,
};

const confirmShape = {
  error_on_requires_action: bool,
  mandate: str,
  mandate_data: any,
  off_session: oneOf(bool, enm('one_off', 'recurring')),
  radar_options: hash,
  return_url: str,
  use_stripe_sdk: bool,
  confirmation_token: str,
};

const createShape = {
  ...common,
  ...confirmShape,
  amount: int,
  currency: str,
  automatic_payment_methods: obj({ enabled: bool, allow_redirects: enm('always', 'never') }),
  confirm: bool,
  confirmation_method: enm('automatic', 'manual'),
  on_behalf_of: str,
  transfer_data: obj({ destination: str, amount: int }, ['destination']),
};

/** Validated `POST /v1/payment_intents` params (also built by invoices and Checkout). */
export type PaymentIntentParams = Valid<typeof createShape, 'amount' | 'currency'>;

export function requirePaymentIntent(ctx: Ctx, id: string, param = 'intent'): PaymentIntent {
  return requireOwn(ctx, 'payment_intent', id, param);
}

function checkAmount(amount: number, currency: string): void {
  if (currency === 'usd' && amount < 50) {
    throw invalidRequest('Amount must be at least $0.50 usd', 'amount', 'amount_too_small');
  }
  if (amount > 99_999_999) {
    throw invalidRequest('Amount must be no more than $999,999.99', 'amount', 'amount_too_large');
  }
  if (amount < 1) throw invalidRequest('This value must be greater than or equal to 1.', 'amount');
  if (THREE_DECIMAL.has(currency) && amount % 10 !== 0) {
    throw invalidRequest(
      `Invalid amount: ${currency.toUpperCase()} amounts must end in 0 (round to the nearest ten).`,
      'amount',
    );
  }
}

function checkConnect(ctx: Ctx, p: PaymentIntentParams, amount: number): void {
  const td = p.transfer_data;
  if (td) {
    if (!ctx.platform || !isConnected(ctx.app, td.destination)) {
      throw invalidRequest(
        `No such destination: '${td.destination}'`,
        'transfer_data[destination]',
        'resource_missing',
      );
    }
    if (td.amount != null && td.amount > amount) {
      throw invalidRequest(
        'The amount in transfer_data[amount] must be less than or equal to the amount of the PaymentIntent.',
        'transfer_data[amount]',
      );
    }
    if (td.amount != null && p.application_fee_amount != null) {
      throw invalidRequest(
        'You cannot specify both application_fee_amount and transfer_data[amount].',
        'application_fee_amount',
      );
    }
  }
  if (p.on_behalf_of && (!ctx.platform || !isConnected(ctx.app, String(p.on_behalf_of)))) {
    throw invalidRequest(`No such account: '${p.on_behalf_of}'`, 'on_behalf_of', 'resource_missing');
  }
  const fee = p.application_fee_amount;
  if (fee != null) {
    if (ctx.platform && !td) {
      throw invalidRequest(
        'Can only apply an application_fee_amount when the PaymentIntent is attempting a direct payment ' +
          '(using an OAuth key or Stripe-Account header) or destination payment (using `transfer_data[destination]`).',
        'application_fee_amount',
      );
    }
    if (fee > amount || fee < 0) {
      throw invalidRequest(
        'The application fee amount must be less than or equal to the PaymentIntent amount.',
        'application_fee_amount',
      );
    }
  }
}

function setPaymentMethod(
  ctx: Ctx,
  pi: PaymentIntent,
  p: { payment_method?: string | null; payment_method_data?: PaymentMethodData | null },
): void {
  if (p.payment_method_data) {
    pi.payment_method = createPaymentMethod(ctx, p.payment_method_data, 'payment_method_data').id;
  } else if (p.payment_method) {
    const pm = resolvePaymentMethod(ctx, String(p.payment_method));
    requireUsableBy(pm, String(p.payment_method), pi.customer, 'PaymentIntent');
    pi.payment_method = pm.id;
  }
}

function confirmOptions(p: Valid<typeof confirmShape>) {
  return {
    offSession: Boolean(p.off_session),
    returnUrl: p.return_url ?? null,
    errorOnRequiresAction: p.error_on_requires_action === true,
  };
}

function methodTypes(p: { allowed_payment_method_types?: (string | null)[] | null }): (string | null)[] {
  const allowed = p.allowed_payment_method_types;
  return allowed?.length ? allowed : ['card', 'us_bank_account'];
}

function create(ctx: Ctx): PaymentIntent {
  return createPaymentIntent(ctx, validate(createShape, ctx.params, ['amount', 'currency']));
}

/** Create (and with `confirm`, confirm) a PaymentIntent from validated params — also used by invoices,
 * Checkout and Payment Links. A decline throws the card error after recording it. */
export function createPaymentIntent(ctx: Ctx, p: PaymentIntentParams): PaymentIntent {
  const amount = p.amount;
  const currency = requireCurrency(p.currency);
  checkAmount(amount, currency);
  checkConnect(ctx, p, amount);
  if (p.customer) requireCustomer(ctx, String(p.customer), 'customer');
  const id = newId('pi');
  const explicitTypes = Boolean(p.allowed_payment_method_types?.length);
  const td = p.transfer_data;
  const pi: PaymentIntent = {
    id,
    object: 'payment_intent',
    amount,
    amount_capturable: 0,
    amount_details: AMOUNT_DETAILS,
    amount_received: 0,
    application: ctx.platform ? null : ctx.app.config.connectClientId,
    application_fee_amount: p.application_fee_amount ?? null,
    automatic_payment_methods: explicitTypes
      ? null
      : {
          allow_redirects: p.automatic_payment_methods?.allow_redirects ?? 'always',
          enabled: true,
        },
    canceled_at: null,
    cancellation_reason: null,
    capture_method: p.capture_method ?? 'automatic_async',
    client_secret: clientSecret(id),
    confirmation_method: p.confirmation_method ?? 'automatic',
    created: nowSeconds(),
    currency,
    customer: p.customer ?? null,
    customer_account: null,
    description: p.description ?? null,
    excluded_payment_method_types: p.excluded_payment_method_types ?? null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: mergeMetadata({}, p.metadata),
    next_action: null,
    on_behalf_of: p.on_behalf_of ?? null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: PM_OPTIONS,
    payment_method_types: methodTypes(p),
    processing: null,
    receipt_email: p.receipt_email ?? null,
    review: null,
    setup_future_usage: p.setup_future_usage ?? null,
    shipping: p.shipping ?? null,
    source: null,
    statement_descriptor: p.statement_descriptor ?? null,
    statement_descriptor_suffix: p.statement_descriptor_suffix ?? null,
    status: 'requires_payment_method',
    transfer_data: td
      ? { ...(td.amount != null ? { amount: td.amount } : {}), destination: td.destination }
      : null,
    transfer_group: p.transfer_group ?? null,
  };
  setPaymentMethod(ctx, pi, p);
  if (pi.payment_method) pi.status = 'requires_confirmation';
  ctx.app.store.insert(ctx.account, pi);
  emit(ctx, 'payment_intent.created', pi);
  if (p.confirm) confirmPaymentIntent(ctx, pi, confirmOptions(p));
  return pi;
}

// Shared, frozen defaults (never mutated in place): a stored PaymentIntent is mostly these.
const AMOUNT_DETAILS = Object.freeze({ tip: Object.freeze({}) });
const PM_OPTIONS = Object.freeze({
  card: Object.freeze({
    installments: null,
    mandate_options: null,
    network: null,
    request_three_d_secure: 'automatic',
  }),
});

const UPDATABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

function update(ctx: Ctx): PaymentIntent {
  const p = validate(
    { ...common, amount: int, currency: str, transfer_data: obj({ amount: int }) },
    ctx.params,
  );
  const pi = requirePaymentIntent(ctx, ctx.path[0]!);
  const onlyMeta = Object.keys(p).every((k) => k === 'metadata' || k === 'description');
  if (!onlyMeta && !UPDATABLE.includes(String(pi.status))) {
    throw invalidRequest(
      `This PaymentIntent's amount could not be updated because it has a status of ${pi.status}. You may ` +
        `only update the amount of a PaymentIntent with one of the following statuses: ${UPDATABLE.join(', ')}.`,
      undefined,
      'payment_intent_unexpected_state',
    );
  }
  if (p.amount != null) checkAmount(p.amount, pi.currency);
  if (p.customer) requireCustomer(ctx, p.customer, 'customer');
  if (p.amount != null) pi.amount = p.amount;
  assignSent(pi, p, [
    'application_fee_amount',
    'capture_method',
    'customer',
    'description',
    'receipt_email',
    'setup_future_usage',
    'shipping',
    'statement_descriptor',
    'statement_descriptor_suffix',
    'transfer_group',
  ]);
  if (p.currency) pi.currency = requireCurrency(p.currency);
  if (p.metadata !== undefined) pi.metadata = mergeMetadata(pi.metadata, p.metadata);
  const td = p.transfer_data;
  if (td?.amount != null && pi.transfer_data) pi.transfer_data.amount = td.amount;
  if (p.allowed_payment_method_types) pi.payment_method_types = methodTypes(p);
  setPaymentMethod(ctx, pi, p);
  if (pi.payment_method && pi.status === 'requires_payment_method') pi.status = 'requires_confirmation';
  ctx.app.store.changed();
  return pi;
}

function confirm(ctx: Ctx): PaymentIntent {
  const p = validate(
    {
      ...confirmShape,
      payment_method: str,
      payment_method_data: obj(paymentMethodDataShape),
      payment_method_options: hash,
      receipt_email: str,
      setup_future_usage: enm('off_session', 'on_session'),
      shipping: hash,
      capture_method: enm('automatic', 'automatic_async', 'manual'),
      payment_details: hash,
      amount_details: hash,
      allowed_payment_method_types: arr(str),
      excluded_payment_method_types: arr(str),
      client_secret: str,
      hooks: hash,
      amount_to_confirm: int,
    },
    ctx.params,
  );
  const pi = requirePaymentIntent(ctx, ctx.path[0]!);
  setPaymentMethod(ctx, pi, p);
  assignSent(pi, p, ['receipt_email', 'setup_future_usage', 'shipping', 'capture_method']);
  confirmPaymentIntent(ctx, pi, confirmOptions(p));
  return pi;
}

function capture(ctx: Ctx): PaymentIntent {
  const p = validate(
    {
      amount_to_capture: int,
      application_fee_amount: int,
      final_capture: bool,
      metadata,
      statement_descriptor: str,
      statement_descriptor_suffix: str,
      transfer_data: obj({ amount: int }),
      amount_details: hash,
      hooks: hash,
      payment_details: hash,
    },
    ctx.params,
  );
  const pi = requirePaymentIntent(ctx, ctx.path[0]!);
  if (pi.status !== 'requires_capture') {
    throw invalidRequest(
      `This PaymentIntent could not be captured because it has a status of ${pi.status}. Only a ` +
        'PaymentIntent with one of the following statuses may be captured: requires_capture.',
      undefined,
      'payment_intent_unexpected_state',
    );
  }
  const capturable = pi.amount_capturable;
  const amount = p.amount_to_capture ?? capturable;
  if (amount > capturable || amount < 1) {
    throw invalidRequest(
      `The amount to capture must be a positive integer less than or equal to the amount capturable (${capturable}).`,
      'amount_to_capture',
      'amount_too_large',
    );
  }
  if (p.application_fee_amount != null) pi.application_fee_amount = p.application_fee_amount;
  if (p.metadata !== undefined) pi.metadata = mergeMetadata(pi.metadata, p.metadata);
  const ch = ctx.app.store.get(ctx.account, String(pi.latest_charge), 'charge');
  if (!ch) throw notFound('charge', String(pi.latest_charge));
  ch.captured = true;
  ch.amount_captured = amount;
  ch.amount_refunded = ch.amount - amount;
  ch.application_fee_amount = pi.application_fee_amount;
  settleCharge(ctx, ch, pi, amount, { available: false });
  emit(ctx, 'charge.captured', ch, {
    previous: { captured: false, amount_captured: 0, balance_transaction: null },
  });
  const prev = { status: pi.status, amount_capturable: capturable, amount_received: 0 };
  pi.status = 'succeeded';
  pi.amount_capturable = 0;
  pi.amount_received = amount;
  ctx.app.store.changed();
  emit(ctx, 'payment_intent.succeeded', pi, { previous: prev });
  openDisputeAfterCapture(ctx, pi, ch);
  return pi;
}

const CANCELABLE = [
  'requires_payment_method',
  'requires_capture',
  'requires_confirmation',
  'requires_action',
  'processing',
];

function cancel(ctx: Ctx): PaymentIntent {
  const p = validate(
    { cancellation_reason: enm('duplicate', 'fraudulent', 'requested_by_customer', 'abandoned') },
    ctx.params,
  );
  const pi = requirePaymentIntent(ctx, ctx.path[0]!);
  expectStatus(pi, CANCELABLE, 'cancel', 'canceled');
  const prev = {
    status: pi.status,
    canceled_at: null,
    cancellation_reason: null,
    amount_capturable: pi.amount_capturable,
  };
  if (pi.status === 'requires_capture') {
    const ch = ctx.app.store.get(ctx.account, String(pi.latest_charge), 'charge');
    if (ch) {
      ch.amount_refunded = ch.amount;
      ch.refunded = true;
    }
  }
  ctx.app.store.table<string>('processing').delete(pi.id);
  pi.status = 'canceled';
  pi.canceled_at = nowSeconds();
  pi.cancellation_reason = p.cancellation_reason ?? 'requested_by_customer';
  pi.amount_capturable = 0;
  pi.next_action = null;
  ctx.app.store.changed();
  emit(ctx, 'payment_intent.canceled', pi, { previous: prev });
  return pi;
}

export function registerPaymentIntents(r: Router): void {
  r.post('/v1/payment_intents', create);
  r.get('/v1/payment_intents/search', (ctx) => {
    const p = validate({ query: str, limit: int, page: str }, ctx.params, ['query']);
    return search(ctx.app.store.list(ctx.account, 'payment_intent'), p, '/v1/payment_intents/search');
  });
  r.get('/v1/payment_intents/:id', (ctx) => {
    validate({ client_secret: str }, ctx.params);
    return requirePaymentIntent(ctx, ctx.path[0]!);
  });
  r.post('/v1/payment_intents/:id', update);
  r.post('/v1/payment_intents/:id/confirm', confirm);
  r.post('/v1/payment_intents/:id/capture', capture);
  r.post('/v1/payment_intents/:id/cancel', cancel);
  r.get('/v1/payment_intents', (ctx) => {
    const p = validate({ ...listParams, customer: str, customer_account: str }, ctx.params);
    return paginate(
      ctx.app.store.list(ctx.account, 'payment_intent'),
      p,
      '/v1/payment_intents',
      (pi) => !p.customer || pi.customer === p.customer,
    );
  });
}
