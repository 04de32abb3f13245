import { type FeeScheduleValues, formatPercent } from '@/api/fees';
import { formatAmounts } from '@/components/fee-override-dialog';

/** The columns of a schedule, in the order the cards and the table show them. */
export const scheduleFields = [
  ['percent_bps', 'Percent'],
  ['fixed', 'Fixed'],
  ['min', 'Minimum'],
  ['max', 'Maximum'],
  ['pass_through_stripe_fee', 'Pass-through'],
] as const;

/** One field of a schedule as text: "2.50 %", "$0.30, €0.25", "Yes". */
export function showField(field: keyof FeeScheduleValues, s: FeeScheduleValues): string {
  if (field === 'percent_bps') return formatPercent(s.percent_bps);
  if (field === 'pass_through_stripe_fee') return s.pass_through_stripe_fee ? 'Yes' : 'No';
  return formatAmounts(s[field]);
}
