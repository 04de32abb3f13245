// Amounts travel as integer minor units with their currency; these turn them into text and back.

/** The currencies the dashboard's forms offer first. */
export const commonCurrencies = ['usd', 'eur', 'gbp', 'cad', 'aud', 'jpy'] as const;

/** How many minor units the currency has after the point (2 for USD, 0 for JPY). */
export function currencyDigits(currency: string): number {
  return (
    new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency: currency.toUpperCase(),
    }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/**
 * An amount typed in major units ("12.34" or "12,34") → minor units of `currency`, by that currency's own
 * decimals: JPY "1500" → 1500, USD "15.5" → 1550, BHD "1.5" → 1500. Null when it is not such an amount
 * (more decimals than the currency has, signs, letters, empty).
 */
export function parseMoney(text: string, currency: string): number | null {
  const digits = currencyDigits(currency);
  const m = /^\s*(\d{1,9})(?:[.,](\d+))?\s*$/.exec(text);
  if (!m || (m[2] ?? '').length > digits) return null;
  return Number(m[1]) * 10 ** digits + Number((m[2] ?? '').padEnd(digits, '0') || 0);
}

/** Minor units → the plain major-unit text a form field starts with: 1550 USD → "15.50", 1500 JPY → "1500". */
export function formatMajor(amount: number, currency: string): string {
  const digits = currencyDigits(currency);
  return (amount / 10 ** digits).toFixed(digits);
}

/** Minor units → "$12.34" in the currency. */
export function formatMoney(amount: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() }).format(
    amount / 10 ** currencyDigits(currency),
  );
}

/** Minor units → a short figure for a chart's axis: "$1.2K", "¥15M", in the currency's own decimals. */
export function formatMoneyCompact(amount: number, currency: string): string {
  return new Intl.NumberFormat(undefined, {
    style: 'currency',
    currency: currency.toUpperCase(),
    notation: 'compact',
    maximumFractionDigits: 1,
  }).format(amount / 10 ** currencyDigits(currency));
}
