// Calendar months in UTC, named `YYYY-MM` as the API names them.

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** A month as the API takes one: from the year 2000 to 2999 (no report reaches further either way). */
const API_MONTH = /^2\d{3}-(0[1-9]|1[0-2])$/;

/** Whether `s` names a calendar month the API takes (`2025-01`; years 2000 to 2999). */
export const isMonth = (s: string): boolean => API_MONTH.test(s);

/** The month's first instant (UTC). */
export function monthStart(month: string): Date {
  const m = MONTH.exec(month);
  if (!m) throw new RangeError(`not a month: ${month}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
}

/** The month holding `at` (UTC). */
export function monthOf(at: Date): string {
  return `${String(at.getUTCFullYear()).padStart(4, '0')}-${String(at.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** `months` months after `month` (before it when negative). */
export function addMonths(month: string, months: number): string {
  const start = monthStart(month);
  return monthOf(new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + months, 1)));
}

/** How many months from `from` to `to`, both counted (1 for one month; 0 or less when `to` is before). */
export function monthsSpanned(from: string, to: string): number {
  const a = monthStart(from);
  const b = monthStart(to);
  return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth()) + 1;
}

/** Every month from `from` to `to`, both included, oldest first. */
export function monthsBetween(from: string, to: string): string[] {
  const n = monthsSpanned(from, to);
  return Array.from({ length: Math.max(0, n) }, (_, i) => addMonths(from, i));
}
