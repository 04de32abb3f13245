/**
 * The application fee model, in integer minor units. One function decides what the platform charges on a
 * payment and what everybody nets, for both account kinds:
 *
 * - Standard-like accounts take direct charges and pay Stripe's processing fee themselves.
 * - Express-like accounts take destination charges; the platform pays Stripe's fee. With `passThrough`
 *   on, the platform adds its estimate of that fee to the application fee, so the tenant nets the same
 *   as on a Standard account.
 *
 * Rounding rule: every percentage is applied in basis points and rounded half up to the minor unit
 * (`floor((amount × bps + 5000) / 10000)`), then fixed parts are added, then min/max clamp the platform's
 * own fee, and the application fee never exceeds the amount.
 */
export interface FeeSchedule {
  /** platform fee in basis points of the amount (250 = 2.5 %) */
  percentBps: number;
  /** fixed platform fee per currency (lowercase ISO code → minor units) */
  fixed: Record<string, number>;
  min?: Record<string, number>;
  max?: Record<string, number>;
  /** add Stripe's processing fee to the application fee when the platform pays it (Express-like) */
  passThroughStripeFee: boolean;
}

/** One of Stripe's card prices: a percent in basis points plus a fixed part in the currency's minor units. */
export interface StripeRate {
  percentBps: number;
  fixed: number;
}

/**
 * Stripe's processing price as the platform is billed it, by (settlement country, currency): `rates` keyed
 * `US/usd` (a `*` for the country: any country); a pair neither lists is priced `percentBps` + `fixed[currency]`.
 * `country` is where the charges settle (the connected accounts' country).
 */
export interface StripePricing {
  country: string;
  rates: Record<string, StripeRate>;
  percentBps: number;
  fixed: Record<string, number>;
}

export const defaultStripePricing: StripePricing = {
  country: 'US',
  rates: { 'US/usd': { percentBps: 290, fixed: 30 } },
  percentBps: 290,
  fixed: { usd: 30 },
};

/** The rate Stripe charges a payment in `currency` settling in `country`. */
export function stripeRateFor(
  pricing: StripePricing,
  currency: string,
  country = pricing.country,
): StripeRate {
  return (
    pricing.rates[`${country.toUpperCase()}/${currency}`] ??
    pricing.rates[`*/${currency}`] ?? { percentBps: pricing.percentBps, fixed: pricing.fixed[currency] ?? 0 }
  );
}

export type AccountKind = 'express' | 'standard';

export interface FeeBreakdown {
  amount: number;
  currency: string;
  /** what the platform keeps for itself */
  platformFee: number;
  /** Stripe's processing fee (estimated before the charge; the balance transaction has the real one) */
  stripeFee: number;
  /** who pays Stripe's fee */
  stripeFeePayer: 'platform' | 'account';
  /** the `application_fee_amount` to send to Stripe */
  applicationFeeAmount: number;
  tenantNet: number;
  platformNet: number;
}

export function percentOf(amount: number, bps: number): number {
  return Math.floor((amount * bps + 5000) / 10000);
}

export function stripeFeeFor(
  amount: number,
  currency: string,
  pricing: StripePricing = defaultStripePricing,
): number {
  if (amount <= 0) return 0;
  const rate = stripeRateFor(pricing, currency);
  return percentOf(amount, rate.percentBps) + rate.fixed;
}

export function platformFeeFor(amount: number, currency: string, schedule: FeeSchedule): number {
  let fee = percentOf(amount, schedule.percentBps) + (schedule.fixed[currency] ?? 0);
  const min = schedule.min?.[currency];
  const max = schedule.max?.[currency];
  if (min !== undefined) fee = Math.max(fee, min);
  if (max !== undefined) fee = Math.min(fee, max);
  return Math.max(0, Math.min(fee, amount));
}

export function computeFees(input: {
  amount: number;
  currency: string;
  kind: AccountKind;
  schedule: FeeSchedule;
  pricing?: StripePricing;
  /** the real Stripe fee, once the balance transaction is known */
  actualStripeFee?: number;
}): FeeBreakdown {
  const { amount, currency, kind, schedule } = input;
  if (!Number.isInteger(amount) || amount < 0)
    throw new RangeError(`amount must be a non-negative integer, got ${amount}`);
  const platformFee = platformFeeFor(amount, currency, schedule);
  const stripeFee = input.actualStripeFee ?? stripeFeeFor(amount, currency, input.pricing);
  if (kind === 'standard') {
    return {
      amount,
      currency,
      platformFee,
      stripeFee,
      stripeFeePayer: 'account',
      applicationFeeAmount: platformFee,
      tenantNet: amount - stripeFee - platformFee,
      platformNet: platformFee,
    };
  }
  const applicationFeeAmount = Math.min(
    amount,
    platformFee + (schedule.passThroughStripeFee ? stripeFee : 0),
  );
  return {
    amount,
    currency,
    platformFee,
    stripeFee,
    stripeFeePayer: 'platform',
    applicationFeeAmount,
    tenantNet: amount - applicationFeeAmount,
    platformNet: applicationFeeAmount - stripeFee,
  };
}

/** Subscriptions take the percent part as `application_fee_percent` (Stripe accepts two decimals). */
export function subscriptionFeePercent(schedule: FeeSchedule): number {
  return schedule.percentBps / 100;
}

/**
 * What the tenant and the platform net once the real fees are known (the charge's balance transaction):
 * the application fee actually charged and Stripe's actual fee, split by who pays Stripe — the same rule as
 * computeFees, applied to amounts that are facts rather than estimates.
 */
export function settledNets(input: {
  amount: number;
  applicationFee: number;
  stripeFee: number;
  stripeFeePayer: FeeBreakdown['stripeFeePayer'];
}): { tenantNet: number; platformNet: number } {
  const { amount, applicationFee, stripeFee } = input;
  return input.stripeFeePayer === 'account'
    ? { tenantNet: amount - stripeFee - applicationFee, platformNet: applicationFee }
    : { tenantNet: amount - applicationFee, platformNet: applicationFee - stripeFee };
}
