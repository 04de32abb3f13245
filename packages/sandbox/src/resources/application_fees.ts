// Application fees (on the platform) and their refunds (`fr_`): the platform gives back part of its fee.
import type { App, Ctx } from '../app.ts';
import { emit } from '../events.ts';
import { requireOwn } from '../lookup.ts';
import { platformAndAccount, type Side } from '../money/balance.ts';
import type { ApplicationFee, FeeRefund } from '../objects/money.ts';
import type { Router } from '../router.ts';
import { invalidRequest, notFound } from '../wire/errors.ts';
import { newId, nowSeconds } from '../wire/ids.ts';
import { paginate } from '../wire/list.ts';
import {
  int,
  listParams,
  type MetadataParam,
  mergeMetadata,
  metadata,
  str,
  validate,
} from '../wire/schema.ts';

/** How many of its refunds an application fee carries in `refunds.data`, newest first. */
const EMBEDDED_REFUNDS = 10;

/** A fee refund moves money from the platform back to the account that paid the fee. */
function feeRefundSides(app: App, fee: ApplicationFee, source: string): [Side, Side] {
  const side = { type: 'application_fee_refund', reporting_category: 'platform_earning_refund', source };
  return [
    { ...side, account: app.config.platformAccountId },
    { ...side, account: fee.account },
  ];
}

export function refundApplicationFee(
  ctx: Ctx,
  fee: ApplicationFee,
  amount: number,
  md: MetadataParam | undefined,
): FeeRefund {
  const { app } = ctx;
  const platform = app.config.platformAccountId;
  const currency = fee.currency;
  const id = newId('fr');
  const bt = platformAndAccount(app, -amount, currency, ...feeRefundSides(app, fee, id));
  const fr: FeeRefund = {
    id,
    object: 'fee_refund',
    amount,
    balance_transaction: bt.id,
    created: nowSeconds(),
    currency,
    fee: fee.id,
    metadata: mergeMetadata({}, md),
  };
  app.store.insert(platform, fr);
  // as Stripe: the fee embeds its newest refunds only; the rest are paged from /v1/application_fees/:id/refunds
  fee.refunds.data.unshift(fr);
  if (fee.refunds.data.length > EMBEDDED_REFUNDS) {
    fee.refunds.data.length = EMBEDDED_REFUNDS;
    fee.refunds.has_more = true;
  }
  const prev = { amount_refunded: fee.amount_refunded, refunded: fee.refunded };
  fee.amount_refunded = fee.amount_refunded + amount;
  fee.refunded = fee.amount_refunded === fee.amount;
  emit(ctx, 'application_fee.refunded', fee, { owner: platform, previous: prev });
  return fr;
}

/**
 * Undo fee refund `fr` (the refund that made it failed): counter-entries of its two balance transactions
 * take the fee back from the connected account, and the fee's `amount_refunded` drops by its amount. The
 * `fr_` stays in the fee's refunds as the record of what happened.
 */
export function undoFeeRefund(ctx: Ctx, fr: FeeRefund, why: string): void {
  const { app } = ctx;
  const platform = app.config.platformAccountId;
  const fee = app.store.get(platform, fr.fee, 'application_fee');
  if (!fee) return;
  const { amount, currency } = fr;
  platformAndAccount(app, amount, currency, ...feeRefundSides(app, fee, fr.id), why);
  fee.amount_refunded = fee.amount_refunded - amount;
  fee.refunded = fee.amount_refunded === fee.amount;
  app.store.changed();
}

function requireFee(ctx: Ctx, id: string): ApplicationFee {
  return requireOwn(ctx, 'application_fee', id, undefined, 'application fee');
}

export function registerApplicationFees(r: Router): void {
  r.get('/v1/application_fees/:id', (ctx) => {
    validate({}, ctx.params);
    return requireFee(ctx, ctx.path[0]!);
  });
  r.get('/v1/application_fees', (ctx) => {
    const p = validate({ ...listParams, charge: str }, ctx.params);
    return paginate(
      ctx.app.store.list(ctx.account, 'application_fee'),
      p,
      '/v1/application_fees',
      (f) => !p.charge || f.charge === p.charge || f.originating_transaction === p.charge,
    );
  });
  r.post('/v1/application_fees/:id/refunds', (ctx) => {
    const p = validate({ amount: int, metadata }, ctx.params);
    const fee = requireFee(ctx, ctx.path[0]!);
    const left = fee.amount - fee.amount_refunded;
    const amount = p.amount ?? left;
    if (left <= 0)
      throw invalidRequest(
        `Application fee ${fee.id} has already been refunded.`,
        undefined,
        'charge_already_refunded',
      );
    if (amount > left || amount <= 0) {
      throw invalidRequest(
        `Refund amount (${amount}) is greater than the unrefunded amount of the application fee (${left}).`,
        'amount',
      );
    }
    return refundApplicationFee(ctx, fee, amount, p.metadata);
  });
  r.get('/v1/application_fees/:id/refunds', (ctx) => {
    const p = validate(listParams, ctx.params);
    const fee = requireFee(ctx, ctx.path[0]!);
    return paginate(
      ctx.app.store.list(ctx.account, 'fee_refund'),
      p,
      `/v1/application_fees/${fee.id}/refunds`,
      (x) => x.fee === fee.id,
    );
  });
  r.get('/v1/application_fees/:id/refunds/:rid', (ctx) => {
    validate({}, ctx.params);
    const fee = requireFee(ctx, ctx.path[0]!);
    const fr = ctx.app.store.get(ctx.account, ctx.path[1]!, 'fee_refund');
    if (!fr || fr.fee !== fee.id) throw notFound('fee refund', ctx.path[1]!);
    return fr;
  });
  r.post('/v1/application_fees/:id/refunds/:rid', (ctx) => {
    const p = validate({ metadata }, ctx.params);
    const fr = ctx.app.store.get(ctx.account, ctx.path[1]!, 'fee_refund');
    if (!fr || fr.fee !== ctx.path[0]) throw notFound('fee refund', ctx.path[1]!);
    fr.metadata = mergeMetadata(fr.metadata, p.metadata);
    ctx.app.store.changed();
    return fr;
  });
}
