import { formatAmount } from '../currency.ts';
import { ApiError } from '../http/errors.ts';
import type { FeeBreakdown } from './model.ts';

/**
 * Refuses an amount that would not cover Stripe's estimated fee and the platform's own (400
 * `amount_too_small`): the tenant would net less than nothing, or the platform pay to be paid.
 */
export function requireCoversFees(fees: FeeBreakdown, param = 'amount'): void {
  if (fees.stripeFee + fees.platformFee <= fees.amount) return;
  const fmt = (n: number) => formatAmount(n, fees.currency);
  throw new ApiError(
    'amount_too_small',
    `${fmt(fees.amount)} does not cover its fees: Stripe's (about ${fmt(fees.stripeFee)}) and the platform's (${fmt(fees.platformFee)}).`,
    { param },
  );
}
