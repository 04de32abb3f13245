// Stripe's fee on a charge, and who pays it (SANDBOX-NOTES §7): the connected account's `controller.fees.payer`.
import type { App } from '../app.ts';
import type { FeeDetail } from './balance.ts';

/** One card price: a percent in basis points plus a fixed part in the currency's minor units. */
export interface FeeRate {
  percentBps: number;
  fixed: number;
}

/** The European Economic Area, whose standard domestic cards Stripe prices alike. */
const EEA = 'AT BE BG HR CY CZ DK EE FI FR DE GR HU IS IE IT LV LI LT LU MT NL NO PL PT RO SK SI ES SE'.split(
  ' ',
);

/**
 * Stripe's published price for a standard domestic card by "COUNTRY/currency" (`*` for any country). The
 * sandbox charges these; the rest at `stripeFeePercentBps` + `stripeFeeFixed[currency]`. It never converts
 * currencies: a charge settles, and its fee is taken, in the charge's own currency.
 */
export const DEFAULT_FEE_RATES: Readonly<Record<string, FeeRate>> = {
  'US/usd': { percentBps: 290, fixed: 30 },
  ...Object.fromEntries(EEA.map((c) => [`${c}/eur`, { percentBps: 150, fixed: 25 }])),
  'GB/gbp': { percentBps: 150, fixed: 20 },
  'CA/cad': { percentBps: 290, fixed: 30 },
  'AU/aud': { percentBps: 170, fixed: 30 },
  'JP/jpy': { percentBps: 360, fixed: 0 },
  'SG/sgd': { percentBps: 340, fixed: 50 },
};

/** The country an account settles in (the platform's own: US unless stored otherwise). */
export function countryOf(app: App, accountId: string): string {
  const acct = app.store.get(app.config.platformAccountId, accountId, 'account');
  return (acct?.country ?? 'US').toUpperCase();
}

export function feeRateFor(app: App, currency: string, country: string): FeeRate {
  const c = app.config;
  return (
    c.stripeFeeRates[`${country}/${currency}`] ??
    c.stripeFeeRates[`*/${currency}`] ?? {
      percentBps: c.stripeFeePercentBps,
      fixed: c.stripeFeeFixed[currency] ?? 0,
    }
  );
}

/** Stripe's fee on `amount` of `currency` settling in `country`, rounded half up to the minor unit. */
export function stripeFee(app: App, amount: number, currency: string, country: string): number {
  const rate = feeRateFor(app, currency, country);
  return Math.floor((amount * rate.percentBps + 5000) / 10_000) + rate.fixed;
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
