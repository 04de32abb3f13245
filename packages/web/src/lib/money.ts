// Amounts travel as integer minor units with their currency; these turn them into text and back.

/** The currencies the dashboard's forms offer first. */
export const commonCurrencies = ['usd', 'eur', 'gbp', 'cad', 'aud'] as const;

/** How many minor units the currency has after the point (2 for USD, 0 for JPY). */
export function currencyDigits(currency: string): number {
  return (
    new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency: currency.toUpperCase(),
    }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** "12.34" typed in major units → 1234 minor units of `currency`; null when it is not such an amount. */
export function parseMoney(text: string, currency: string): number | null {
  const digits = currencyDigits(currency);
  const m = /^\s*(\d{1,9})(?:\.(\d+))?\s*$/.exec(text);
  if (!m || (m[2] ?? '').length > digits) return null;
  return Number(m[1]) * 10 ** digits + Number((m[2] ?? '').padEnd(digits, '0') || 0);
}

/** Minor units → "$12.34" in the currency. */
export function formatMoney(amount: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() }).format(
    amount / 10 ** currencyDigits(currency),
  );
}

/**
 * "12.34" or "12,34" (major units with at most two decimals, as the invoice and plan forms take them) → 1234
 * minor units; NaN when it is not an amount.
 */
export function toMinor(major: string): number {
  const m = /^\s*(\d+)(?:[.,](\d{1,2}))?\s*$/.exec(major);
  if (!m) return Number.NaN;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
