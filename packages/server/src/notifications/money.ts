/**
 * Stripe's minor units per currency (docs.stripe.com/currencies): two decimals unless listed here. Intl's own
 * digits differ from Stripe's for some currencies, so amounts Stripe sends are read by Stripe's lists.
 */
const zeroDecimal = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);
const threeDecimal = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

export function minorUnitDigits(currency: string): number {
  const c = currency.toLowerCase();
  return zeroDecimal.has(c) ? 0 : threeDecimal.has(c) ? 3 : 2;
}

/** Minor units → "$40.00", "¥4,000", "KWD 1.500" in `locale`, with Stripe's digits for the currency. */
export function formatAmount(amount: number, currency: string, locale: string): string {
  const digits = minorUnitDigits(currency);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: currency.toUpperCase(),
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(amount / 10 ** digits);
}
