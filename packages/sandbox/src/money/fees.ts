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

/** The fee settings as `/_sandbox/fees` shows them. */
export function feeSettings(app: App) {
  const c = app.config;
  return {
    rates: Object.fromEntries(
      Object.entries(c.stripeFeeRates).map(([k, r]) => [k, { percent_bps: r.percentBps, fixed: r.fixed }]),
    ),
    percent_bps: c.stripeFeePercentBps,
    fixed: c.stripeFeeFixed,
  };
}

const RATE_KEY = /^([A-Z]{2}|\*)\/[a-z]{3}$/;
const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;

/**
 * Changes what later charges pay Stripe: `rates` ("COUNTRY/currency" → `{percent_bps, fixed}`, null removes
 * one) merged over the current ones, or instead of them with `replace: true`; `percent_bps` and `fixed`
 * (currency → minor units) for the pairs no rate lists. Answers an error message for a bad body.
 */
export function setFeeSettings(app: App, body: Record<string, unknown>): string | null {
  const c = app.config;
  const rates: Record<string, FeeRate> = body.replace === true ? {} : { ...c.stripeFeeRates };
  const given = body.rates ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    return 'rates must be an object of "COUNTRY/currency" → {percent_bps, fixed}';
  for (const [key, v] of Object.entries(given)) {
    if (!RATE_KEY.test(key)) return `rate key ${key} must be "COUNTRY/currency" (or "*/currency")`;
    if (v === null) {
      delete rates[key];
      continue;
    }
    const r = v as { percent_bps?: unknown; fixed?: unknown };
    if (!isCount(r.percent_bps) || !isCount(r.fixed))
      return `rate ${key} needs integer percent_bps and fixed ≥ 0`;
    rates[key] = { percentBps: r.percent_bps, fixed: r.fixed };
  }
  if (body.percent_bps !== undefined && !isCount(body.percent_bps))
    return 'percent_bps must be an integer ≥ 0';
  const fixed = body.fixed;
  if (
    fixed !== undefined &&
    (typeof fixed !== 'object' || fixed === null || !Object.values(fixed).every(isCount))
  )
    return 'fixed must be an object of currency → integer minor units ≥ 0';
  c.stripeFeeRates = rates;
  if (body.percent_bps !== undefined) c.stripeFeePercentBps = body.percent_bps as number;
  if (fixed !== undefined) c.stripeFeeFixed = { ...(fixed as Record<string, number>) };
  return null;
}
