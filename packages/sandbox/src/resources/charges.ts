// Charges: built by PaymentIntent confirmation (and destination payments `py_`); retrieve/update/list/search.
// `refunds` is expandable-only, as in Stripe's current API versions.
import type { Ctx } from '../app.ts';
import { changes, emit, snapshot } from '../events.ts';
import { requireOwn } from '../lookup.ts';
import type {
  Charge,
  ChargeCard,
  ChargeOutcome,
  PaymentIntent,
  PaymentMethod,
  PaymentMethodDetails,
  PmBankAccount,
  PmCard,
} from '../objects/payments.ts';
import type { Router } from '../router.ts';
import { registerExpandOnly } from '../wire/expand.ts';
import { newId, nowSeconds } from '../wire/ids.ts';
import { matchesSent, paginate, search } from '../wire/list.ts';
import { hash, int, listParams, mergeMetadata, metadata, str, validate } from '../wire/schema.ts';
import { billingOf } from './payment_methods.ts';

export interface ChargeInput {
  amount: number;
  currency: string;
  pi: PaymentIntent | null;
  pm: PaymentMethod | null;
  status: 'succeeded' | 'failed' | 'pending';
  captured: boolean;
  failure?: { code: string; message: string; declineCode?: string; adviceCode?: string | null };
  threeDSecure?: boolean;
}

// Charges of the same card and amount share one frozen details hash (memory under load).
const detailsCache = new WeakMap<object, Map<number, Readonly<PaymentMethodDetails>>>();

function paymentDetails(
  pm: PaymentMethod | null,
  amount: number,
  threeDSecure: boolean,
): Readonly<PaymentMethodDetails> | null {
  if (pm?.type === 'card' && pm.card) return cardDetails(pm.card, amount, threeDSecure);
  return pm?.us_bank_account ? bankDetails(pm.us_bank_account) : null;
}

function cardDetails(card: Readonly<PmCard>, amount: number, threeDSecure: boolean) {
  if (threeDSecure) return buildCardDetails(card, amount, true);
  let byAmount = detailsCache.get(card);
  if (!byAmount) {
    byAmount = new Map();
    detailsCache.set(card, byAmount);
  }
  let d = byAmount.get(amount);
  if (!d) {
    d = Object.freeze(buildCardDetails(card, amount, false));
    if (byAmount.size < 1000) byAmount.set(amount, d);
  }
  return d;
}

function buildCardDetails(c: Readonly<PmCard>, amount: number, threeDSecure: boolean): PaymentMethodDetails {
  const card: ChargeCard = {
    amount_authorized: amount,
    authorization_code: null,
    brand: c.brand,
    checks: c.checks,
    country: c.country,
    exp_month: c.exp_month,
    exp_year: c.exp_year,
    extended_authorization: { status: 'disabled' },
    fingerprint: c.fingerprint,
    funding: c.funding,
    incremental_authorization: { status: 'unavailable' },
    installments: null,
    last4: c.last4,
    mandate: null,
    multicapture: { status: 'unavailable' },
    network: c.brand,
    network_token: { used: false },
    network_transaction_id: null,
    overcapture: { maximum_amount_capturable: amount, status: 'unavailable' },
    regulated_status: 'unregulated',
    three_d_secure: threeDSecure
      ? {
          authentication_flow: 'challenge',
          electronic_commerce_indicator: '05',
          exemption_indicator: null,
          result: 'authenticated',
          result_reason: null,
          transaction_id: crypto.randomUUID(),
          version: '2.2.0',
        }
      : null,
    transaction_link_id: null,
    wallet: null,
  };
  return { card, type: 'card' };
}

function bankDetails(b: PmBankAccount): PaymentMethodDetails {
  return {
    type: 'us_bank_account',
    us_bank_account: {
      account_holder_type: b.account_holder_type,
      account_type: b.account_type,
      bank_name: b.bank_name,
      fingerprint: b.fingerprint,
      last4: b.last4,
      mandate: null,
      payment_reference: null,
      routing_number: b.routing_number,
    },
  };
}

const outcomes = new Map<string, Readonly<ChargeOutcome>>();
const EMPTY = Object.freeze({});

export function outcomeFor(
  status: string,
  declineCode?: string,
  adviceCode?: string | null,
): Readonly<ChargeOutcome> {
  const key = `${status} ${declineCode ?? ''} ${adviceCode ?? ''}`;
  let o = outcomes.get(key);
  if (!o) {
    o = Object.freeze(buildOutcome(status, declineCode, adviceCode ?? null));
    outcomes.set(key, o);
  }
  return o;
}

function buildOutcome(
  status: string,
  declineCode: string | undefined,
  adviceCode: string | null,
): ChargeOutcome {
  if (status === 'failed') {
    return {
      advice_code: adviceCode,
      network_advice_code: null,
      network_decline_code: null,
      network_status: 'declined_by_network',
      reason: declineCode ?? 'generic_decline',
      risk_level: 'normal',
      risk_score: 20,
      seller_message: 'The bank did not return any further details with this decline.',
      type: 'issuer_declined',
    };
  }
  return {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: 'approved_by_network',
    reason: null,
    risk_level: 'normal',
    risk_score: 20,
    seller_message: 'Payment complete.',
    type: 'authorized',
  };
}

export function newCharge(ctx: Ctx, i: ChargeInput): Charge {
  const pi = i.pi;
  const pm = i.pm;
  const id = newId('ch');
  const ch: Charge = {
    id,
    object: 'charge',
    amount: i.amount,
    amount_captured: i.captured ? i.amount : 0,
    amount_refunded: 0,
    application: !ctx.platform && pi?.application_fee_amount != null ? ctx.app.config.connectClientId : null,
    application_fee: null,
    application_fee_amount: pi?.application_fee_amount ?? null,
    balance_transaction: null,
    billing_details: pm?.billing_details ?? billingOf(),
    calculated_statement_descriptor: 'TRIBUTARY SANDBOX',
    captured: i.captured,
    created: nowSeconds(),
    currency: i.currency,
    customer: pi?.customer ?? null,
    description: pi?.description ?? null,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: i.failure?.code ?? null,
    failure_message: i.failure?.message ?? null,
    fraud_details: EMPTY,
    livemode: false,
    metadata: { ...(pi?.metadata ?? {}) },
    on_behalf_of: pi?.on_behalf_of ?? null,
    outcome:
      i.status === 'pending' ? null : outcomeFor(i.status, i.failure?.declineCode, i.failure?.adviceCode),
    paid: i.status === 'succeeded',
    payment_intent: pi?.id ?? null,
    payment_method: pm?.id ?? null,
    payment_method_details: paymentDetails(pm, i.amount, Boolean(i.threeDSecure)),
    radar_options: EMPTY,
    receipt_email: pi?.receipt_email ?? null,
    receipt_number: null,
    receipt_url: `${ctx.app.config.publicUrl}/receipts/payment/${id}`,
    refunded: false,
    review: null,
    shipping: pi?.shipping ?? null,
    source: null,
    source_transfer: null,
    statement_descriptor: pi?.statement_descriptor ?? null,
    statement_descriptor_suffix: pi?.statement_descriptor_suffix ?? null,
    status: i.status,
    transfer_data: pi?.transfer_data
      ? {
          amount: pi.transfer_data.amount ?? null,
          destination: pi.transfer_data.destination,
        }
      : null,
    transfer_group: pi?.transfer_group ?? null,
  };
  return ctx.app.store.insert(ctx.account, ch);
}

export function requireCharge(ctx: Ctx, id: string, param = 'id'): Charge {
  return requireOwn(ctx, 'charge', id, param);
}

export function registerCharges(r: Router): void {
  registerExpandOnly('charge', 'refunds', (ch, store) => {
    const owner = store.ownerOf(String(ch.id)) ?? '';
    const data = store
      .list(owner, 'refund')
      .filter((x) => x.charge === ch.id)
      .reverse();
    return { object: 'list', data, has_more: false, url: `/v1/charges/${ch.id}/refunds` };
  });
  r.get('/v1/charges/search', (ctx) => {
    const p = validate({ query: str, limit: int, page: str }, ctx.params, ['query']);
    return search(ctx.app.store.list(ctx.account, 'charge'), p, '/v1/charges/search');
  });
  r.get('/v1/charges/:id', (ctx) => {
    validate({}, ctx.params);
    return requireCharge(ctx, ctx.path[0]!);
  });
  r.post('/v1/charges/:id', (ctx) => {
    const p = validate(
      {
        description: str,
        metadata,
        receipt_email: str,
        shipping: hash,
        transfer_group: str,
        fraud_details: hash,
      },
      ctx.params,
    );
    const ch = requireCharge(ctx, ctx.path[0]!);
    const before = snapshot(ch);
    if (p.description !== undefined) ch.description = p.description;
    if (p.receipt_email !== undefined) ch.receipt_email = p.receipt_email;
    if (p.transfer_group !== undefined) ch.transfer_group = p.transfer_group;
    if (p.metadata !== undefined) ch.metadata = mergeMetadata(ch.metadata, p.metadata);
    ctx.app.store.changed();
    const prev = changes(before, ch);
    if (Object.keys(prev).length) emit(ctx, 'charge.updated', ch, { previous: prev });
    return ch;
  });
  r.get('/v1/charges', (ctx) => {
    const p = validate(
      { ...listParams, customer: str, payment_intent: str, transfer_group: str },
      ctx.params,
    );
    return paginate(ctx.app.store.list(ctx.account, 'charge'), p, '/v1/charges', (c) =>
      matchesSent(c, p, ['customer', 'payment_intent', 'transfer_group']),
    );
  });
  r.get('/v1/charges/:id/refunds', (ctx) => {
    const p = validate(listParams, ctx.params);
    const ch = requireCharge(ctx, ctx.path[0]!, 'charge');
    return paginate(
      ctx.app.store.list(ctx.account, 'refund'),
      p,
      `/v1/charges/${ch.id}/refunds`,
      (x) => x.charge === ch.id,
    );
  });
}
