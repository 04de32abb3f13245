// Money movement when a charge is captured, per SANDBOX-NOTES §7:
// - platform charge: one `charge` BT with Stripe's fee;
// - direct charge (on a connected account): its `charge` BT carries the application fee, plus Stripe's fee
//   when the account pays fees itself (Standard-like); otherwise the platform is debited Stripe's fee;
// - destination charge: platform `charge` BT, a `tr_` transfer (negative `transfer` BT), the connected
//   account's `py_` payment with a `payment` BT whose fee is the application fee.
// Every application fee creates a `fee_` on the platform with an `application_fee` BT.
import type { Ctx } from '../app.ts';
import { clockOfCustomer } from '../billing/scheduler.ts';
import { emit } from '../events.ts';
import type { ApplicationFee, Transfer } from '../objects/money.ts';
import type { Charge, PaymentIntent } from '../objects/payments.ts';
import { billingOf } from '../resources/payment_methods.ts';
import { newId, nowSeconds } from '../wire/ids.ts';
import { createBalanceTransaction, type FeeDetail } from './balance.ts';
import { accountPaysFees, applicationFeeDetail, countryOf, stripeFee, stripeFeeDetail } from './fees.ts';

export interface SettleOptions {
  available: boolean;
  /** Stripe's fee when it is not the card rate (ACH debits: 0.8%, capped at $5). */
  fee?: number;
}

function newApplicationFee(
  ctx: Ctx,
  account: string,
  amount: number,
  currency: string,
  charge: string,
  origin: string | null,
): ApplicationFee {
  const { app } = ctx;
  const platform = app.config.platformAccountId;
  const id = newId('fee');
  const bt = createBalanceTransaction(app, platform, {
    amount,
    currency,
    type: 'application_fee',
    reporting_category: 'platform_earning',
    source: id,
    description: null,
  });
  const fee: ApplicationFee = {
    id,
    object: 'application_fee',
    account,
    amount,
    amount_refunded: 0,
    application: app.config.connectClientId,
    balance_transaction: bt.id,
    charge,
    created: nowSeconds(),
    currency,
    fee_source: { charge, type: 'charge' },
    livemode: false,
    originating_transaction: origin,
    refunded: false,
    refunds: { object: 'list', data: [], has_more: false, url: `/v1/application_fees/${id}/refunds` },
  };
  app.store.insert(platform, fee);
  emit(ctx, 'application_fee.created', fee, { owner: platform });
  return fee;
}

function destinationPayment(
  ctx: Ctx,
  charge: Charge,
  dest: string,
  amount: number,
  appFee: number,
  transferId: string,
) {
  const { app } = ctx;
  const currency = charge.currency;
  const id = newId('py');
  const feeDetails: FeeDetail[] = appFee ? [applicationFeeDetail(app, appFee, currency)] : [];
  const bt = createBalanceTransaction(app, dest, {
    amount,
    currency,
    type: 'payment',
    reporting_category: 'charge',
    source: id,
    feeDetails,
    clock: clockOfCustomer(app, ctx.account, charge.customer),
  });
  const py: Charge = {
    ...charge,
    id,
    amount,
    amount_captured: amount,
    amount_refunded: 0,
    application: app.config.connectClientId,
    application_fee: null,
    application_fee_amount: appFee || null,
    balance_transaction: bt.id,
    billing_details: billingOf(),
    created: nowSeconds(),
    customer: null,
    description: null,
    metadata: {},
    on_behalf_of: null,
    outcome: null,
    payment_intent: null,
    payment_method: null,
    payment_method_details: { stripe_account: {}, type: 'stripe_account' },
    receipt_url: null,
    source_transfer: transferId,
    transfer_data: null,
    status: 'succeeded',
  };
  return app.store.insert(dest, py);
}

/** Move the money for `amount` captured on `charge` (owned by ctx.account) of PaymentIntent `pi`. */
export function settleCharge(
  ctx: Ctx,
  charge: Charge,
  pi: PaymentIntent | null,
  amount: number,
  opts: SettleOptions,
): void {
  const { app } = ctx;
  const platform = app.config.platformAccountId;
  const currency = charge.currency;
  const appFee = pi?.application_fee_amount ?? 0;
  const transferData = pi?.transfer_data ?? null;
  // Stripe prices a charge for the business it settles for: the account it is on, or the one named by
  // on_behalf_of (a destination charge without it settles for the platform)
  const settlesFor = ctx.account !== platform ? ctx.account : pi?.on_behalf_of;
  const sFee = opts.fee ?? stripeFee(app, amount, currency, countryOf(app, settlesFor ?? platform));

  if (ctx.account !== platform) {
    // Direct charge on a connected account.
    const paysOwnFees = accountPaysFees(app, ctx.account);
    const details: FeeDetail[] = [];
    if (paysOwnFees) details.push(stripeFeeDetail(sFee, currency));
    if (appFee) details.push(applicationFeeDetail(app, appFee, currency));
    const bt = createBalanceTransaction(app, ctx.account, {
      amount,
      currency,
      type: 'charge',
      reporting_category: 'charge',
      source: charge.id,
      feeDetails: details,
      available: opts.available,
      clock: clockOfCustomer(app, ctx.account, charge.customer),
    });
    charge.balance_transaction = bt.id;
    if (!paysOwnFees) {
      createBalanceTransaction(app, platform, {
        amount: -sFee,
        currency,
        type: 'stripe_fee',
        reporting_category: 'fee',
        source: charge.id,
        description: `Stripe processing fees for ${charge.id} on ${ctx.account}`,
      });
    }
    if (appFee) {
      const fee = newApplicationFee(ctx, ctx.account, appFee, currency, charge.id, null);
      charge.application_fee = fee.id;
    }
    return;
  }

  const bt = createBalanceTransaction(app, platform, {
    amount,
    currency,
    type: 'charge',
    reporting_category: 'charge',
    source: charge.id,
    feeDetails: [stripeFeeDetail(sFee, currency)],
    available: opts.available,
  });
  charge.balance_transaction = bt.id;
  if (!transferData) return;

  // Destination charge: the whole amount (or transfer_data[amount]) goes to the connected account, which
  // then pays the application fee back to the platform.
  const dest = transferData.destination;
  const transferAmount = transferData.amount ?? amount;
  const trId = newId('tr');
  const trBt = createBalanceTransaction(app, platform, {
    amount: -transferAmount,
    currency,
    type: 'transfer',
    reporting_category: 'transfer',
    source: trId,
  });
  const py = destinationPayment(ctx, charge, dest, transferAmount, appFee, trId);
  const transfer: Transfer = {
    id: trId,
    object: 'transfer',
    amount: transferAmount,
    amount_reversed: 0,
    balance_transaction: trBt.id,
    created: nowSeconds(),
    currency,
    description: null,
    destination: dest,
    destination_payment: py.id,
    livemode: false,
    metadata: {},
    reversals: { object: 'list', data: [], has_more: false, url: `/v1/transfers/${trId}/reversals` },
    reversed: false,
    source_transaction: charge.id,
    source_type: 'card',
    transfer_group: pi?.transfer_group ?? `group_${pi?.id ?? charge.id}`,
  };
  app.store.insert(platform, transfer);
  charge.transfer = trId;
  emit(ctx, 'transfer.created', transfer, { owner: platform });
  if (appFee) {
    const fee = newApplicationFee(ctx, dest, appFee, currency, py.id, charge.id);
    charge.application_fee = fee.id;
    py.application_fee = fee.id;
  }
}
