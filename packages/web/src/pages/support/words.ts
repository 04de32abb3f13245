import { ApiError, errorMessage } from '@/api/client';
import type { SupportDispute, SupportPayment, SupportRefund, SupportSubscription } from '@/api/support';
import { formatMoney } from '@/lib/money';

// What a support agent reads to a customer: each object in one plain sentence ("Refund of $30.00 issued
// Dec 2, usually arrives in 5–10 business days; ARN 7456…").

const shortDate = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** Unix seconds → "Dec 2". */
export const day = (seconds: number): string => shortDate.format(new Date(seconds * 1000));

const words = (s: string) => s.replaceAll('_', ' ');

const DAY = 86_400;

/** When the refund usually arrives: card refunds in 5–10 business days, bank transfers in up to 5. */
function arrival(r: SupportRefund): string | null {
  const e = r.expected_arrival;
  if (!e) return null;
  const span = e.earliest - r.created > 3 * DAY ? '5–10 business days' : 'up to 5 business days';
  return `usually arrives in ${span} (${day(e.earliest)} – ${day(e.latest)})`;
}

export function refundInWords(r: SupportRefund): string {
  const what = `Refund of ${formatMoney(r.amount, r.currency)}`;
  if (r.status === 'failed')
    return `${what} failed${r.failure_reason ? ` (${words(r.failure_reason)})` : ''}: the money went back to the tenant's balance`;
  if (r.status === 'canceled') return `${what} was canceled before it reached the customer`;
  const parts = [
    `${what} ${r.status === 'succeeded' ? 'issued' : 'requested'} ${day(r.created)}`,
    arrival(r),
  ].filter(Boolean);
  const arn = r.arn
    ? `ARN ${r.arn} (the customer's bank can trace the refund with it)`
    : r.status === 'succeeded' || r.status === 'pending'
      ? 'no ARN yet (Stripe gives one once the card network settles it)'
      : null;
  return [parts.join(', '), arn].filter(Boolean).join('; ');
}

const openDispute = new Set(['needs_response', 'warning_needs_response']);

export function disputeInWords(d: SupportDispute): string {
  const what = `Dispute (${words(d.reason)}) of ${formatMoney(d.amount, d.currency)}`;
  if (openDispute.has(d.status))
    return d.evidence_due_by
      ? `${what}: evidence due ${day(d.evidence_due_by)}`
      : `${what}: needs a response`;
  if (d.status === 'under_review' || d.status === 'warning_under_review')
    return `${what}: evidence submitted, the bank is reviewing it`;
  if (d.status === 'won') return `${what}: won, the money stays with the tenant`;
  if (d.status === 'lost') return `${what}: lost, the money went back to the cardholder`;
  return `${what}: ${words(d.status)}`;
}

export function paymentInWords(p: SupportPayment): string {
  const what = `Payment of ${formatMoney(p.amount, p.currency)}`;
  const card = p.card?.last4 ? ` with ${p.card.brand ?? 'card'} ···· ${p.card.last4}` : '';
  if (p.status === 'failed') return `${what}${card} failed: ${p.failure_reason ?? 'no reason given'}`;
  const refunded =
    p.amount_refunded >= p.amount
      ? ', refunded in full'
      : p.amount_refunded > 0
        ? `, ${formatMoney(p.amount_refunded, p.currency)} refunded`
        : '';
  const disputed = p.dispute_status ? `; disputed (${words(p.dispute_status)})` : '';
  return `${what}${card} ${words(p.status)} ${day(p.created)}${refunded}${disputed}`;
}

export function subscriptionInWords(s: SupportSubscription): string {
  const plan = s.plan?.product_name ?? 'Subscription';
  const end = s.current_period_end ? day(s.current_period_end) : null;
  if (s.status === 'trialing' && s.trial_end) return `${plan}: on trial until ${day(s.trial_end)}`;
  if (s.status === 'canceled') return `${plan}: canceled${s.canceled_at ? ` ${day(s.canceled_at)}` : ''}`;
  if (s.cancel_at_period_end && end) return `${plan}: ${words(s.status)}, ends ${end} (will not renew)`;
  if (s.status === 'past_due' || s.status === 'unpaid')
    return `${plan}: ${words(s.status)}, a renewal payment has not gone through`;
  return `${plan}: ${words(s.status)}${end ? `, renews ${end}` : ''}`;
}

/** The chip's look for a status: done, in progress, needs someone, or over. */
export function statusVariant(status: string): 'success' | 'warning' | 'destructive' | 'secondary' {
  if (['succeeded', 'paid', 'active', 'won', 'available'].includes(status)) return 'success';
  if (['failed', 'lost', 'needs_response', 'warning_needs_response', 'past_due', 'unpaid'].includes(status))
    return 'destructive';
  if (['pending', 'processing', 'requires_action', 'under_review', 'trialing', 'open'].includes(status))
    return 'warning';
  return 'secondary';
}

const codeWords: Record<string, string> = {
  support_search_criteria_invalid:
    'Search by one thing at a time: an e-mail, a customer id, a payment id, or a card’s last four digits with the amount.',
  support_tenant_or_reason_required:
    'Choose the tenant to look in, or give a reason for looking across every tenant (it is recorded in the audit log).',
  parameter_missing: 'Something the search needs is missing',
  parameter_invalid: 'Something in the search is not in the right form',
  resource_missing: 'No such customer, or it belongs to another tenant.',
  rate_limited: 'Too many lookups in the last minute. Wait a little and try again.',
  forbidden: 'Your role cannot look up customers here.',
  stripe_error: 'Stripe did not answer as expected; the records shown are still Tributary’s.',
  service_unavailable: 'Stripe cannot be reached right now; try the refresh again in a moment.',
};

/** An error of the support API in words: what the code means, and the server's detail when it adds one. */
export function supportErrorWords(error: unknown): string {
  if (!(error instanceof ApiError)) return errorMessage(error);
  const known = codeWords[error.code];
  if (!known) return error.message;
  return error.code.startsWith('parameter_') ? `${known}: ${error.message}` : known;
}
