// PaymentMethods: cards (test tokens and raw test numbers) and US bank accounts; attach/detach.
import { createHash } from 'node:crypto';
import type { Ctx } from '../app.ts';
import { brandOf, cardFor, luhnValid, type TestCard, tokenNumber } from '../cards.ts';
import { changes, emit, snapshot } from '../events.ts';
import type { BillingDetails } from '../objects/common.ts';
import type { PaymentMethod, PmCard } from '../objects/payments.ts';
import type { Router } from '../router.ts';
import { cardError, invalidRequest, missingParam, notFound } from '../wire/errors.ts';
import { newId, nowSeconds } from '../wire/ids.ts';
import { matchesSent, paginate } from '../wire/list.ts';
import {
  address,
  emptyAddress,
  enm,
  fullAddress,
  int,
  listParams,
  mergeMetadata,
  metadata,
  obj,
  str,
  type Valid,
  validate,
} from '../wire/schema.ts';
import { forgetDefaultPaymentMethod } from './customers/defaults.ts';
import { requireCustomer } from './customers/model.ts';

export interface PmInternal {
  number?: string;
  bankAccount?: string;
  /** A card that completed 3-D Secure in a SetupIntent: later off-session payments need no authentication. */
  setupDone?: boolean;
  /** A saved card the bank has declined since (reported lost, stolen, expired): `POST /_sandbox/cards/:pm/decline`. */
  declinedSince?: { declineCode: string; adviceCode?: TestCard['adviceCode'] };
}

export const billingDetails = obj({
  address,
  email: str,
  name: str,
  phone: str,
  tax_id: str,
});

const cardParams = obj({
  number: str,
  exp_month: int,
  exp_year: int,
  cvc: str,
  token: str,
  networks: obj({}),
});
const bankParams = obj({
  account_holder_type: enm('individual', 'company'),
  account_number: str,
  account_type: enm('checking', 'savings'),
  financial_connections_account: str,
  routing_number: str,
});

export const paymentMethodDataShape = {
  type: str,
  card: cardParams,
  us_bank_account: bankParams,
  billing_details: billingDetails,
  metadata,
  allow_redisplay: enm('always', 'limited', 'unspecified'),
};

/** `payment_method_data`-style params, validated (also built by the hosted pages). */
export type PaymentMethodData = Valid<typeof paymentMethodDataShape>;

export function pmTable(ctx: Ctx) {
  return ctx.app.store.table<PmInternal>('payment_methods');
}

const fingerprints = new Map<string, string>();
function fingerprint(s: string): string {
  let f = fingerprints.get(s);
  if (!f) {
    f = createHash('sha256')
      .update(s)
      .digest('base64')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 16);
    fingerprints.set(s, f);
  }
  return f;
}

/** `billing_details` from params (each field null when not given). */
export function billingOf(b: Partial<Record<keyof BillingDetails, unknown>> = {}): BillingDetails {
  return {
    address: fullAddress(b.address) ?? emptyAddress(),
    email: b.email ?? null,
    name: b.name ?? null,
    phone: b.phone ?? null,
    tax_id: b.tax_id ?? null,
  };
}

function base(type: string, p: PaymentMethodData): PaymentMethod {
  return {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: p.allow_redisplay ?? 'unspecified',
    billing_details: billingOf(p.billing_details ?? undefined),
    created: nowSeconds(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: mergeMetadata({}, p.metadata),
    type,
  };
}

export function cardObject(
  number: string,
  expMonth: number,
  expYear: number,
  cvc: boolean,
  test: TestCard,
): PmCard {
  const brand = brandOf(number);
  return {
    brand,
    checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: cvc ? 'pass' : null },
    country: 'US',
    display_brand: brand,
    exp_month: expMonth,
    exp_year: expYear,
    fingerprint: fingerprint(number),
    funding: test.funding ?? 'credit',
    generated_from: null,
    last4: number.slice(-4),
    networks: { available: [brand], preferred: null },
    regulated_status: 'unregulated',
    three_d_secure_usage: { supported: true },
    wallet: null,
  };
}

function cardNumberFrom(
  card: NonNullable<PaymentMethodData['card']>,
  param: string,
): { number: string; month: number; year: number; cvc: boolean } {
  if (card.token) {
    const n = tokenNumber(String(card.token));
    if (!n) throw invalidRequest(`No such token: '${card.token}'`, `${param}[token]`, 'resource_missing');
    return { number: n, month: 12, year: new Date().getUTCFullYear() + 3, cvc: true };
  }
  const number = String(card.number ?? '').replace(/[\s-]/g, '');
  if (!number) throw missingParam(`${param}[number]`);
  if (!/^\d{12,19}$/.test(number) || !luhnValid(number)) {
    throw cardError('Your card number is incorrect.', 'incorrect_number', { param: `${param}[number]` });
  }
  const month = card.exp_month;
  let year = card.exp_year;
  if (month === null || month === undefined) throw missingParam(`${param}[exp_month]`);
  if (year === null || year === undefined) throw missingParam(`${param}[exp_year]`);
  if (year < 100) year += 2000;
  if (month < 1 || month > 12) {
    throw cardError("Your card's expiration month is invalid.", 'invalid_expiry_month', {
      param: `${param}[exp_month]`,
    });
  }
  const now = new Date();
  if (year < now.getUTCFullYear() || (year === now.getUTCFullYear() && month < now.getUTCMonth() + 1)) {
    throw cardError("Your card's expiration year is invalid.", 'invalid_expiry_year', {
      param: `${param}[exp_year]`,
    });
  }
  return { number, month, year, cvc: Boolean(card.cvc) };
}

/** Create a PaymentMethod from `payment_method_data`-style params (already validated). */
export function createPaymentMethod(ctx: Ctx, p: PaymentMethodData, param = ''): PaymentMethod {
  const at = (k: string) => (param ? `${param}[${k}]` : k);
  const type = p.type;
  if (!type) throw missingParam(at('type'));
  const internal: PmInternal = {};
  let pm: PaymentMethod;
  if (type === 'card') {
    const card = p.card;
    if (!card) throw missingParam(at('card'));
    const c = cardNumberFrom(card, at('card'));
    pm = base('card', p);
    pm.card = cardObject(c.number, c.month, c.year, c.cvc, cardFor(c.number));
    internal.number = c.number;
  } else if (type === 'us_bank_account') {
    const b = p.us_bank_account;
    if (!b) throw missingParam(at('us_bank_account'));
    const routing = b.routing_number;
    const account = b.account_number;
    if (!routing) throw missingParam(at('us_bank_account[routing_number]'));
    if (!account) throw missingParam(at('us_bank_account[account_number]'));
    if (!/^\d{9}$/.test(routing)) {
      throw invalidRequest(
        'Invalid routing number',
        at('us_bank_account[routing_number]'),
        'routing_number_invalid',
      );
    }
    const details = billingOf(p.billing_details ?? undefined);
    if (!details.name) throw missingParam(at('billing_details[name]'));
    pm = base('us_bank_account', p);
    pm.us_bank_account = {
      account_holder_type: b.account_holder_type ?? 'individual',
      account_type: b.account_type ?? 'checking',
      bank_name: 'STRIPE TEST BANK',
      financial_connections_account: null,
      fingerprint: fingerprint(`${routing}/${account}`),
      last4: account.slice(-4),
      networks: { preferred: 'ach', supported: ['ach'] },
      routing_number: routing,
      status_details: null,
    };
    internal.bankAccount = account;
  } else {
    throw invalidRequest(
      `Invalid ${at('type')}: must be one of card, us_bank_account`,
      at('type'),
      'parameter_invalid_string',
    );
  }
  pmTable(ctx).set(pm.id, internal);
  return ctx.app.store.insert(ctx.account, pm);
}

const tokenCards = new Map<string, Readonly<PmCard>>();
const EMPTY_BILLING: Readonly<BillingDetails> = Object.freeze({
  ...billingOf(),
  address: Object.freeze(emptyAddress()),
});

/** Token clones share one frozen `card` hash per number (updates replace it); memory under load. */
function tokenCard(number: string): Readonly<PmCard> {
  let card = tokenCards.get(number);
  if (!card) {
    card = Object.freeze(cardObject(number, 12, new Date().getUTCFullYear() + 1, true, cardFor(number)));
    tokenCards.set(number, card);
  }
  return card;
}

/** The clones made for each request: a token names one clone throughout the request that sent it. */
const clonesOfRequest = new WeakMap<Ctx, Map<string, string>>();

function cloneToken(ctx: Ctx, token: string, number: string): PaymentMethod {
  let clones = clonesOfRequest.get(ctx);
  const prior = clones?.get(token);
  const existing = prior ? ctx.app.store.get(ctx.account, prior, 'payment_method') : undefined;
  if (existing) return existing;
  const pm = base('card', {});
  pm.billing_details = EMPTY_BILLING;
  pm.card = tokenCard(number);
  pmTable(ctx).set(pm.id, { number });
  if (!clones) {
    clones = new Map();
    clonesOfRequest.set(ctx, clones);
  }
  clones.set(token, pm.id);
  return ctx.app.store.insert(ctx.account, pm);
}

/**
 * The one place a PaymentMethod parameter is read. A `pm_…` id of this account, or a test token
 * (`pm_card_visa`, `tok_visa`, see cards.ts) cloned into a fresh PaymentMethod. Within one request a token
 * names the same clone everywhere (customer create's `payment_method` and
 * `invoice_settings[default_payment_method]`); a later request gets a new clone. With `customer`, the
 * PaymentMethod must be attached to that customer, as defaults (customer, subscription, invoice) require.
 */
export function resolvePaymentMethod(
  ctx: Ctx,
  id: string,
  param = 'payment_method',
  customer?: string,
): PaymentMethod {
  const number = tokenNumber(id);
  const pm = number ? cloneToken(ctx, id, number) : ctx.app.store.get(ctx.account, id, 'payment_method');
  if (!pm) throw notFound('PaymentMethod', id, param);
  if (customer !== undefined && pm.customer !== customer) throw notAttached(id, param);
  return pm;
}

export function notAttached(id: string, param: string) {
  return invalidRequest(
    `The customer does not have a payment method with the ID ${id}. The payment method must be attached to the customer.`,
    param,
    'resource_missing',
  );
}

/** A PaymentMethod attached to a customer is used only for that customer: an intent naming another customer,
 * or none, is refused (as on Stripe). */
export function requireUsableBy(
  pm: PaymentMethod,
  id: string,
  customer: unknown,
  intent: 'PaymentIntent' | 'SetupIntent',
  param = 'payment_method',
): void {
  if (!pm.customer || pm.customer === customer) return;
  if (!customer) {
    throw invalidRequest(
      `The \`payment_method\` parameter supplied ${id} belongs to the Customer ${pm.customer}. ` +
        `Please include the Customer in the \`customer\` parameter on the ${intent}.`,
      param,
    );
  }
  throw notAttached(id, param);
}

export function testCardOf(ctx: Ctx, pm: PaymentMethod): TestCard | null {
  const internal = pmTable(ctx).get(pm.id);
  const n = internal?.number;
  if (n && internal.declinedSince)
    return {
      number: n,
      outcome: 'charge_fail',
      code: 'card_declined',
      declineCode: internal.declinedSince.declineCode,
      ...(internal.declinedSince.adviceCode ? { adviceCode: internal.declinedSince.adviceCode } : {}),
    };
  return n ? cardFor(n) : null;
}

export function attach(ctx: Ctx, pm: PaymentMethod, customerId: string): void {
  if (pm.customer === customerId) return;
  if (pm.customer) {
    throw invalidRequest(
      'The payment method you provided has already been attached to a customer.',
      'payment_method',
      'payment_method_unexpected_state',
    );
  }
  const test = testCardOf(ctx, pm);
  if (test?.outcome === 'decline' && test.declineCode !== 'insufficient_funds') {
    throw cardError(test.message ?? 'Your card was declined.', test.code ?? 'card_declined', {
      decline_code: test.declineCode,
      ...(test.adviceCode ? { advice_code: test.adviceCode } : {}),
      param: '',
    });
  }
  pm.customer = customerId;
  ctx.app.store.changed();
  emit(ctx, 'payment_method.attached', pm, { previous: { customer: null } });
}

function retrieve(ctx: Ctx): PaymentMethod {
  validate({}, ctx.params);
  return resolvePaymentMethod(ctx, ctx.path[0]!, 'payment_method');
}

export function registerPaymentMethods(r: Router): void {
  r.post('/v1/payment_methods', (ctx) => {
    const p = validate(
      { ...paymentMethodDataShape, customer: str, payment_method: str, radar_options: obj({}) },
      ctx.params,
    );
    return createPaymentMethod(ctx, p);
  });
  r.get('/v1/payment_methods/:id', retrieve);
  r.post('/v1/payment_methods/:id', (ctx) => {
    const p = validate(
      {
        billing_details: billingDetails,
        metadata,
        allow_redisplay: enm('always', 'limited', 'unspecified'),
        card: obj({ exp_month: int, exp_year: int, networks: obj({}) }),
        us_bank_account: obj({ account_holder_type: str, account_type: str }),
      },
      ctx.params,
    );
    const pm = resolvePaymentMethod(ctx, ctx.path[0]!, 'payment_method');
    const before = snapshot(pm);
    if (p.metadata !== undefined) pm.metadata = mergeMetadata(pm.metadata, p.metadata);
    if (p.billing_details) {
      pm.billing_details = billingOf({ ...pm.billing_details, ...p.billing_details });
    }
    if (p.allow_redisplay) pm.allow_redisplay = p.allow_redisplay;
    const card = p.card;
    if (card && pm.card) {
      const c: PmCard = { ...pm.card };
      pm.card = c;
      if (card.exp_month != null) c.exp_month = card.exp_month;
      if (card.exp_year != null) c.exp_year = card.exp_year;
    }
    ctx.app.store.changed();
    emit(ctx, 'payment_method.updated', pm, { previous: changes(before, pm) });
    return pm;
  });
  r.get('/v1/payment_methods', (ctx) => {
    const p = validate({ ...listParams, customer: str, type: str, customer_account: str }, ctx.params);
    return paginate(ctx.app.store.list(ctx.account, 'payment_method'), p, '/v1/payment_methods', (pm) =>
      matchesSent(pm, p, ['customer', 'type']),
    );
  });
  r.get('/v1/customers/:id/payment_methods', (ctx) => {
    const p = validate({ ...listParams, type: str, allow_redisplay: str }, ctx.params);
    const cus = requireCustomer(ctx, ctx.path[0]!, 'customer');
    return paginate(
      ctx.app.store.list(ctx.account, 'payment_method'),
      p,
      `/v1/customers/${cus.id}/payment_methods`,
      (pm) => pm.customer === cus.id && matchesSent(pm, p, ['type']),
    );
  });
  r.get('/v1/customers/:id/payment_methods/:pm', (ctx) => {
    validate({}, ctx.params);
    requireCustomer(ctx, ctx.path[0]!, 'customer');
    const pm = ctx.app.store.get(ctx.account, ctx.path[1]!, 'payment_method');
    if (!pm || pm.customer !== ctx.path[0]) throw notFound('PaymentMethod', ctx.path[1]!, 'payment_method');
    return pm;
  });
  r.post('/v1/payment_methods/:id/attach', (ctx) => {
    const p = validate({ customer: str, customer_account: str }, ctx.params, ['customer']);
    const cus = requireCustomer(ctx, p.customer, 'customer');
    const pm = resolvePaymentMethod(ctx, ctx.path[0]!, 'payment_method');
    attach(ctx, pm, cus.id);
    return pm;
  });
  r.post('/v1/payment_methods/:id/detach', (ctx) => {
    validate({}, ctx.params);
    const pm = resolvePaymentMethod(ctx, ctx.path[0]!, 'payment_method');
    if (!pm.customer) {
      throw invalidRequest(
        'The payment method you provided is not attached to a customer so detachment is impossible.',
        undefined,
        'payment_method_unexpected_state',
      );
    }
    const prev = pm.customer;
    pm.customer = null;
    ctx.app.store.changed();
    emit(ctx, 'payment_method.detached', pm, { previous: { customer: prev } });
    forgetDefaultPaymentMethod(ctx, prev, pm.id);
    return pm;
  });
}
