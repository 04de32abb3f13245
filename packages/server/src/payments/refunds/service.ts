import { amountStepOf, formatAmount, stepRule } from '../../currency.ts';
import { ApiError } from '../../http/errors.ts';
import { parsePathId, toPublicId } from '../../http/ids.ts';
import type { Page } from '../../http/pagination.ts';
import { inTenant, type TenantScope } from '../../scope/tenant.ts';
import { retrieveApplicationFee } from '../../stripe/application-fees.ts';
import type { Stripe } from '../../stripe/client.ts';
import { mayHaveHappened } from '../../stripe/gateway.ts';
import { idOf } from '../../stripe/ids.ts';
import { syncApplicationFee } from '../charges/application-fee.ts';
import * as charges from '../charges/repo.ts';
import { applyStripeState, fetchCharge, getPaymentOrThrow, paymentAccount } from '../charges/service.ts';
import type { PaymentDeps } from '../common.ts';

import * as repo from './repo.ts';
import * as sync from './sync.ts';

export interface RefundInput {
  /** the payment's public id, as the caller named it */
  payment: string;
  amount?: number;
  reason?: 'duplicate' | 'fraudulent' | 'requested_by_customer';
  refund_application_fee?: boolean;
  metadata?: Record<string, string>;
}

/**
 * Refunds a payment, fully or in part. The refund row is written under the payment's row lock after checking
 * that it fits in what is left, so concurrent requests never promise more than the charge; Stripe is then
 * called (outside the transaction) with `tributary:refund:<id>:<attempt>`. A refusal frees the amount; an
 * unreachable Stripe keeps it held (the refund may have been made) until a retry or its event tells.
 */
export async function createRefund(
  scope: TenantScope,
  deps: PaymentDeps,
  input: RefundInput,
): Promise<repo.RefundRow> {
  const paymentPublicId = input.payment;
  const paymentId = parsePathId('payment', paymentPublicId);
  const { payment, refund } = await inTenant(scope, 'refunds:write', async (tx) => {
    const payment = await getPaymentOrThrow(tx, paymentId, paymentPublicId, true);
    // a retry of a request whose first try did not answer: pending (Stripe unreachable) or done, the same
    // row and attempt, so the same Stripe key; refused, a new attempt below
    const prior = scope.requestKey
      ? await repo.refundByRequestKey(tx, scope.requestKey, scope.config.IDEMPOTENCY_TTL_HOURS)
      : null;
    if (
      prior &&
      (prior.paymentId !== payment.id || (input.amount !== undefined && input.amount !== prior.amount))
    )
      throw ApiError.idempotencyMismatch();
    if (prior && prior.status !== 'failed') return { payment, refund: prior };
    if (payment.status !== 'succeeded' || !payment.stripeChargeId) {
      throw new ApiError(
        'payment_not_refundable',
        `Only a succeeded payment can be refunded (this one is ${payment.status}).`,
        {
          param: 'payment',
        },
      );
    }
    const taken = Math.max(await repo.reservedRefunds(tx, payment.id), payment.amountRefunded);
    const left = payment.amount - taken;
    if (left <= 0) {
      throw new ApiError('payment_not_refundable', 'This payment is already fully refunded.', {
        param: 'payment',
      });
    }
    const amount = prior?.amount ?? input.amount ?? left;
    const fmt = (n: number) => formatAmount(n, payment.currency);
    if (amount > left) {
      throw new ApiError(
        'refund_exceeds_payment',
        `The refund (${fmt(amount)}) is more than what is left to refund on this payment (${fmt(left)}).`,
        { param: 'amount' },
      );
    }
    const step = amountStepOf(payment.currency);
    if (amount % step !== 0) {
      throw new ApiError(
        'parameter_invalid',
        `Invalid amount: ${stepRule(payment.currency)} (Stripe's rule for the currency).`,
        { param: 'amount' },
      );
    }
    if (prior) return { payment, refund: await repo.retryRefund(tx, prior.id) };
    const refund = await repo.insertRefund(tx, {
      tenantId: scope.tenantId,
      paymentId: payment.id,
      requestKey: scope.requestKey ?? null,
      amount,
      currency: payment.currency,
      reason: input.reason ?? null,
      refundApplicationFee: input.refund_application_fee ?? false,
      status: 'pending',
    });
    await scope.audit(tx, {
      action: 'refund.created',
      target: { kind: 'refund', id: refund.id },
      data: { payment: paymentPublicId, amount, reason: input.reason ?? null },
    });
    return { payment, refund };
  });

  if (refund.stripeRefundId) return refund;
  let stripeRefund: Stripe.Refund;
  try {
    stripeRefund = await deps.stripe.call(
      {
        action: 'refund the payment',
        account: paymentAccount(payment),
        movesMoney: true,
        input: {
          amount: 'amount',
          reason: 'reason',
          refund_application_fee: 'refund_application_fee',
          metadata: 'metadata',
        },
        purpose: 'refund',
        record: refund.id,
        attempt: refund.attempt,
      },
      (stripe, opts) =>
        stripe.refunds.create(
          {
            charge: payment.stripeChargeId!,
            amount: refund.amount,
            ...(input.reason ? { reason: input.reason } : {}),
            ...(refund.refundApplicationFee ? { refund_application_fee: true } : {}),
            // a destination charge's money sits on the connected account: take it back from there
            ...(payment.chargeType === 'destination' ? { reverse_transfer: true } : {}),
            metadata: {
              ...input.metadata,
              tributary_refund: toPublicId('refund', refund.id),
              tributary_payment: paymentPublicId,
            },
          },
          opts,
        ),
    );
  } catch (err) {
    // Refused: the amount is free again. Unreachable (through the SDK's retries with the same key): it may
    // have been done, so the amount stays held; a retry with the same Idempotency-Key sends the same
    // Stripe key, and its refund.created event (our id in metadata) records it if it went through.
    if (!mayHaveHappened(err)) {
      const message = (err as { message?: string }).message ?? 'unknown error';
      await inTenant(scope, 'refunds:write', (tx) => repo.failRefund(tx, refund.id, message.slice(0, 500)));
    }
    throw err;
  }
  const charge = await fetchCharge(
    deps,
    payment,
    typeof stripeRefund.charge === 'string' ? stripeRefund.charge : (stripeRefund.charge?.id ?? null),
  ).catch(() => null);
  const fee = refund.refundApplicationFee ? await refundedFee(deps, charge) : null;
  const fetchedAt = new Date(); // after the response: a refetch answered earlier must not win the guard
  return inTenant(scope, 'refunds:write', async (tx) => {
    // payment row before refund row, the order the webhook worker takes them in (its batch runs charges
    // before refunds): the opposite order deadlocks against a batch applying the same refund
    await charges.getPayment(tx, payment.id, { lock: true });
    if (charge) await applyStripeState(tx, payment, null, charge, fetchedAt);
    if (fee) await syncApplicationFee(tx, { tenantId: scope.tenantId, account: null }, fee);
    const synced = await sync.syncRefund(
      tx,
      { tenantId: scope.tenantId, account: paymentAccount(payment) },
      stripeRefund,
      fetchedAt,
    );
    return synced?.row ?? (await repo.getRefund(tx, refund.id))!;
  });
}

/**
 * The charge's application fee as the refund left it (read from the platform, where fees live), so the
 * answer already shows the fee given back; its `application_fee.refunded` event would tell the same later.
 */
async function refundedFee(
  deps: PaymentDeps,
  charge: Stripe.Charge | null,
): Promise<Stripe.ApplicationFee | null> {
  const id = idOf(charge?.application_fee);
  if (!id) return null;
  return deps.stripe
    .call({ action: 'read the application fee', account: null, movesMoney: false }, (stripe, opts) =>
      retrieveApplicationFee(stripe, id, opts),
    )
    .catch(() => null);
}

export function listRefunds(
  scope: TenantScope,
  q: { limit: number; startingAfter: string | null; endingBefore: string | null; paymentId?: string },
): Promise<Page<repo.RefundRow>> {
  return inTenant(scope, 'refunds:read', (tx) => repo.listRefunds(tx, scope.tenantId, q));
}
