import { requireChargesEnabled } from '../../connect/service.ts';
import { amountStepOf, stepRule } from '../../currency.ts';
import type { Tx } from '../../db/client.ts';
import type { ChargeType } from '../../db/schema/index.ts';
import {
  computeFees,
  effectiveSchedule,
  requireCoversFees,
  scheduleSnapshot,
  stripePricing,
} from '../../fees/service.ts';
import { ApiError } from '../../http/errors.ts';
import { fromPublicId, parsePathId, toPublicId } from '../../http/ids.ts';
import type { Page } from '../../http/pagination.ts';
import { inTenant, type TenantScope } from '../../scope/tenant.ts';
import type { Stripe } from '../../stripe/client.ts';
import { type CallerParams, mayHaveHappened, StripeFailure } from '../../stripe/gateway.ts';
import type { PaymentDeps } from '../common.ts';
import type { CustomerRow, PaymentMethodRow } from '../customers/repo.ts';
import * as customers from '../customers/repo.ts';
import { customerAccountFor, getCustomerOrThrow } from '../customers/service.ts';
import { type DisputeRow, disputesOf } from '../disputes/repo.ts';
import { type RefundRow, refundsOf } from '../refunds/repo.ts';

import { feeDifference, topUpPaymentFee } from './fee-top-up.ts';
import * as repo from './repo.ts';
import * as sync from './sync.ts';

export interface PaymentIntentInput {
  amount: number;
  currency: string;
  customer?: string;
  payment_method?: string;
  off_session?: boolean;
  confirm?: boolean;
  return_url?: string;
  description?: string;
  statement_descriptor_suffix?: string;
  metadata?: Record<string, string>;
}

interface Prepared {
  payment: repo.PaymentRow;
  customer: CustomerRow | null;
  pm: PaymentMethodRow | null;
}

/** Everything decided in the tenant's transaction before Stripe is called: the row reserves the idempotency key. */
async function prepare(tx: Tx, scope: TenantScope, input: PaymentIntentInput): Promise<Prepared> {
  const { tenantId } = scope;
  const acct = await requireChargesEnabled(tx, tenantId);
  const chargeType: ChargeType = acct.kind === 'standard' ? 'direct' : 'destination';
  let customer: CustomerRow | null = null;
  if (input.customer) {
    const id = fromPublicId('customer', input.customer);
    if (!id) throw ApiError.notFound('customer', input.customer, 'customer');
    customer = await getCustomerOrThrow(tx, id, input.customer);
    if (!customer.stripeCustomerId) throw ApiError.notFound('customer', input.customer, 'customer');
    if (customer.stripeAccountId !== customerAccountFor(acct.kind, acct.stripeAccountId)) {
      throw new ApiError(
        'parameter_invalid',
        "This customer belongs to the tenant's previous Stripe account; create the customer again.",
        { param: 'customer' },
      );
    }
  }
  const charging = Boolean(input.off_session || input.confirm);
  let pm: PaymentMethodRow | null = null;
  if (input.payment_method) {
    const pmId = fromPublicId('paymentMethod', input.payment_method);
    pm = pmId ? await customers.getPaymentMethod(tx, pmId) : null;
    if (!pm || pm.detachedAt || !customer || pm.customerId !== customer.id)
      throw ApiError.notFound('payment method', input.payment_method, 'payment_method');
  } else if (charging) {
    if (!customer) {
      throw new ApiError('parameter_missing', 'Charging now needs a customer with a saved payment method.', {
        param: 'customer',
      });
    }
    pm = customer.defaultPaymentMethod
      ? await customers.paymentMethodByStripeId(tx, customer.defaultPaymentMethod)
      : null;
    if (!pm || pm.detachedAt) {
      throw new ApiError(
        'payment_method_missing',
        'The customer has no default payment method; save one or pass payment_method.',
        { param: 'payment_method' },
      );
    }
  }
  if (input.off_session && input.return_url) {
    throw new ApiError('parameter_invalid', 'An off-session payment has no customer to redirect.', {
      param: 'return_url',
    });
  }
  // a retry of a request whose first try did not answer: the same row, so the same Stripe key
  const prior = scope.requestKey
    ? await repo.paymentByRequestKey(tx, scope.requestKey, scope.config.IDEMPOTENCY_TTL_HOURS)
    : null;
  if (prior) {
    const same =
      prior.amount === input.amount &&
      prior.currency === input.currency &&
      prior.customerId === (customer?.id ?? null);
    if (!same) throw ApiError.idempotencyMismatch();
    return { payment: prior, customer, pm };
  }
  const step = amountStepOf(input.currency);
  if (input.amount % step !== 0) {
    throw new ApiError(
      'parameter_invalid',
      `Invalid amount: ${stepRule(input.currency)} (Stripe's rule for the currency).`,
      { param: 'amount' },
    );
  }
  const schedule = await effectiveSchedule(tx, scope.config, tenantId);
  const pricing = stripePricing(scope.config);
  const fees = computeFees({
    amount: input.amount,
    currency: input.currency,
    kind: acct.kind,
    schedule,
    pricing,
  });
  requireCoversFees(fees);
  const payment = await repo.insertPayment(tx, {
    tenantId,
    stripeAccountId: acct.stripeAccountId,
    accountKind: acct.kind,
    chargeType,
    customerId: customer?.id ?? null,
    amount: input.amount,
    currency: input.currency,
    status: 'pending',
    description: input.description ?? null,
    metadata: input.metadata ?? {},
    requestKey: scope.requestKey ?? null,
    paymentMethodType: pm?.type ?? null,
    paymentMethodBrand: pm?.brand ?? null,
    paymentMethodLast4: pm?.last4 ?? null,
    platformFee: fees.platformFee,
    applicationFeeAmount: fees.applicationFeeAmount,
    stripeFee: fees.stripeFee,
    tenantNet: fees.tenantNet,
    platformNet: fees.platformNet,
    feeSchedule: scheduleSnapshot(schedule, pricing, input.currency),
  });
  return { payment, customer, pm };
}

/**
 * The PaymentIntent's parameters: a direct charge on the connected account (Standard-like), or a destination
 * charge on the platform settling to the account, `on_behalf_of` it (Express-like). Both carry the fee.
 */
export function paymentIntentParams(
  p: Prepared,
  input: PaymentIntentInput,
  tenantPublicId: string,
): Stripe.PaymentIntentCreateParams {
  const { payment, customer, pm } = p;
  const confirm = Boolean(input.off_session || input.confirm);
  return {
    amount: payment.amount,
    currency: payment.currency,
    ...(customer ? { customer: customer.stripeCustomerId! } : {}),
    ...(pm ? { payment_method: pm.stripePaymentMethodId } : {}),
    allowed_payment_method_types: [(pm?.type ?? 'card') as 'card'],
    ...(payment.applicationFeeAmount > 0 ? { application_fee_amount: payment.applicationFeeAmount } : {}),
    ...(payment.chargeType === 'destination'
      ? { on_behalf_of: payment.stripeAccountId, transfer_data: { destination: payment.stripeAccountId } }
      : {}),
    ...(confirm ? { confirm: true } : {}),
    ...(input.off_session ? { off_session: true } : {}),
    ...(confirm && input.return_url ? { return_url: input.return_url } : {}),
    ...(input.description ? { description: input.description } : {}),
    ...(input.statement_descriptor_suffix
      ? { statement_descriptor_suffix: input.statement_descriptor_suffix }
      : {}),
    metadata: {
      ...input.metadata,
      tributary_payment: toPublicId('payment', payment.id),
      tributary_tenant: tenantPublicId,
    },
  };
}

/** Where the payment's Stripe objects live: the connected account (direct) or the platform (destination). */
export const paymentAccount = (row: Pick<repo.PaymentRow, 'chargeType' | 'stripeAccountId'>) =>
  row.chargeType === 'direct' ? row.stripeAccountId : null;

/** Reads the PaymentIntent's latest charge with its balance transaction (the real fees), outside any transaction. */
export async function fetchCharge(
  deps: PaymentDeps,
  row: Pick<repo.PaymentRow, 'chargeType' | 'stripeAccountId'>,
  chargeId: string | null,
): Promise<Stripe.Charge | null> {
  if (!chargeId) return null;
  return deps.stripe.call(
    { action: 'read the charge', account: paymentAccount(row), movesMoney: false },
    (stripe, opts) => stripe.charges.retrieve(chargeId, { expand: ['balance_transaction'] }, opts),
  );
}

/** Applies what Stripe answered to the row, as the webhooks would (the same guarded sync). */
export async function applyStripeState(
  tx: Tx,
  row: repo.PaymentRow,
  pi: Stripe.PaymentIntent | null,
  charge: Stripe.Charge | null,
  fetchedAt: Date,
): Promise<repo.PaymentRow> {
  const scope = { tenantId: row.tenantId, account: paymentAccount(row) };
  if (pi) await sync.syncPaymentIntent(tx, scope, pi, fetchedAt);
  if (charge) await sync.syncCharge(tx, scope, charge, fetchedAt);
  return (await repo.getPayment(tx, row.id))!;
}

/** The PaymentIntent's parameters the caller gave (customer and method come from our rows). */
const paymentInput: CallerParams = {
  amount: 'amount',
  currency: 'currency',
  return_url: 'return_url',
  description: 'description',
  statement_descriptor_suffix: 'statement_descriptor_suffix',
  metadata: 'metadata',
};

export interface CreatedPayment {
  row: repo.PaymentRow;
  clientSecret: string | null;
}

export async function createPaymentIntent(
  scope: TenantScope,
  deps: PaymentDeps,
  input: PaymentIntentInput,
): Promise<CreatedPayment> {
  const prepared = await inTenant(scope, 'payments:write', (tx) => prepare(tx, scope, input));
  const { payment } = prepared;
  const account = paymentAccount(payment);
  const call = { action: 'create the payment', account, input: paymentInput } as const;
  let pi: Stripe.PaymentIntent;
  try {
    // made already (its events told us): read it, never create again under a key Stripe may have forgotten
    const made = payment.stripePaymentIntentId;
    pi = made
      ? await deps.stripe.call({ ...call, movesMoney: false }, (stripe, opts) =>
          stripe.paymentIntents.retrieve(made, {}, opts),
        )
      : await deps.stripe.call(
          { ...call, movesMoney: true, purpose: 'payment_intent', record: payment.id, attempt: 1 },
          (stripe, opts) =>
            stripe.paymentIntents.create(paymentIntentParams(prepared, input, scope.publicId), opts),
        );
  } catch (err) {
    // A decline is an outcome, not an error: Stripe's 402 carries the PaymentIntent, recorded as failed.
    const declined = err instanceof StripeFailure && err.kind === 'card_error' ? err.paymentIntent : null;
    if (!declined) {
      // Refused: nothing exists at Stripe, the row goes. Unreachable: it may exist; the row stays pending,
      // a retry with the same Idempotency-Key sends the same Stripe key, and the PaymentIntent's events
      // (our id in its metadata) fill the row if it was made.
      if (!mayHaveHappened(err)) {
        await inTenant(scope, 'payments:write', (tx) => repo.deletePendingPayment(tx, payment.id));
      }
      throw err;
    }
    pi = declined;
  }
  // the payment is made: a charge that cannot be read now comes with its webhook
  const charge = await fetchCharge(
    deps,
    payment,
    typeof pi.latest_charge === 'string' ? pi.latest_charge : (pi.latest_charge?.id ?? null),
  ).catch(() => null);
  const fetchedAt = new Date(); // after the response: a refetch answered earlier must not win the guard
  const row = await inTenant(scope, 'payments:write', async (tx) => {
    const applied = await applyStripeState(tx, payment, pi, charge, fetchedAt);
    await scope.audit(tx, {
      action: 'payment.created',
      target: { kind: 'payment', id: payment.id },
      data: {
        amount: payment.amount,
        currency: payment.currency,
        payment_intent: pi.id,
        status: applied.status,
      },
    });
    return applied;
  });
  // Stripe's real fee differing from the estimate: settled now, else by the follow-up the charge's event enqueues
  if (feeDifference(row) !== null) {
    await topUpPaymentFee(
      { db: scope.db, stripe: deps.stripe },
      { tenantId: row.tenantId, paymentId: row.id },
    ).catch((err: unknown) => scope.log.warn({ err, payment: row.id }, 'fee top-up left to its follow-up'));
  }
  const settled =
    feeDifference(row) === null
      ? row
      : await inTenant(scope, 'payments:read', async (tx) => (await repo.getPayment(tx, row.id)) ?? row);
  const needsClient = ['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(
    pi.status,
  );
  return {
    row: settled,
    clientSecret: !input.off_session && needsClient ? (pi.client_secret ?? null) : null,
  };
}

export async function getPaymentOrThrow(tx: Tx, id: string, publicId: string, lock = false) {
  const row = await repo.getPayment(tx, id, { lock });
  if (!row) throw ApiError.notFound('payment', publicId, 'payment');
  return row;
}

export interface PaymentDetail {
  row: repo.PaymentRow;
  refunds: RefundRow[];
  disputes: DisputeRow[];
}

/** `payment` is the payment's public id, as the caller named it. */
export function getPayment(scope: TenantScope, payment: string) {
  const id = parsePathId('payment', payment);
  return inTenant(scope, 'payments:read', async (tx): Promise<PaymentDetail> => {
    const row = await getPaymentOrThrow(tx, id, payment);
    return { row, refunds: await refundsOf(tx, [row.id]), disputes: await disputesOf(tx, row.id) };
  });
}

export function listPayments(
  scope: TenantScope,
  q: { limit: number; startingAfter: string | null; endingBefore: string | null } & repo.PaymentFilters,
): Promise<Page<repo.PaymentRow>> {
  return inTenant(scope, 'payments:read', (tx) => repo.listPayments(tx, scope.tenantId, q));
}

/** Every matching payment for the CSV export, newest first, in pages of 100 within one transaction. */
export function exportPayments(scope: TenantScope, f: repo.PaymentFilters) {
  return inTenant(scope, 'payments:read', async (tx) => {
    const rows: repo.PaymentRow[] = [];
    let startingAfter: string | null = null;
    for (;;) {
      const page = await repo.listPayments(tx, scope.tenantId, { ...f, limit: 100, startingAfter });
      rows.push(...page.data);
      if (!page.hasMore || rows.length >= 50_000) break;
      startingAfter = page.data.at(-1)!.id;
    }
    const emails = new Map<string, string | null>();
    for (const r of rows) {
      if (r.customerId && !emails.has(r.customerId))
        emails.set(r.customerId, (await customers.getCustomer(tx, r.customerId))?.email ?? null);
    }
    return { rows, emails };
  });
}
