import type { StripeRate } from './model.ts';

/** The European Economic Area, whose standard domestic cards Stripe prices alike. */
const eea = 'AT BE BG HR CY CZ DK EE FI FR DE GR HU IS IE IT LV LI LT LU MT NL NO PL PT RO SK SI ES SE'.split(
  ' ',
);

/**
 * Stripe's published price for a standard domestic card, by (settlement country, currency): the estimate the
 * platform adds to an Express-like payment's application fee before the real fee is known. Estimates only —
 * international, premium and converted cards cost more, and Stripe changes its prices; the difference is
 * recovered after the charge (docs/payments.md), and STRIPE_PRICING replaces any entry.
 */
export const defaultStripeRates: Readonly<Record<string, StripeRate>> = {
  'US/usd': { percentBps: 290, fixed: 30 },
  ...Object.fromEntries(eea.map((c) => [`${c}/eur`, { percentBps: 150, fixed: 25 }])),
  'GB/gbp': { percentBps: 150, fixed: 20 },
  'CA/cad': { percentBps: 290, fixed: 30 },
  'AU/aud': { percentBps: 170, fixed: 30 },
  'JP/jpy': { percentBps: 360, fixed: 0 },
  'SG/sgd': { percentBps: 340, fixed: 50 },
};
