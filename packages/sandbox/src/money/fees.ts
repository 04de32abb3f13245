// Who pays Stripe's fee (SANDBOX-NOTES §7): the connected account's `controller.fees.payer`.
import type { App } from '../app.ts';
import type { FeeDetail } from './balance.ts';

export function stripeFee(app: App, amount: number): number {
  return Math.round((amount * app.config.stripeFeePercentBps) / 10_000) + app.config.stripeFeeFixed;
}

export function stripeFeeDetail(amount: number, currency: string): FeeDetail {
  return { amount, application: null, currency, description: 'Stripe processing fees', type: 'stripe_fee' };
}

export function applicationFeeDetail(app: App, amount: number, currency: string): FeeDetail {
  return {
    amount,
    application: app.config.connectClientId,
    currency,
    description: `${app.config.platformName} application fee`,
    type: 'application_fee',
  };
}

/** True when the connected account pays Stripe's fees itself (Standard-like accounts). */
export function accountPaysFees(app: App, accountId: string): boolean {
  const acct = app.store.get(app.config.platformAccountId, accountId, 'account');
  if (!acct) return true;
  return (acct.controller.fees?.payer ?? 'account') === 'account';
}
