// Every type of outbound event Tributary emits (docs/webhooks.md, "Event types"). emit() takes only these,
// so the compiler keeps the list whole, and an endpoint may subscribe only to these (or `*`).

export const outboundEventTypes = [
  'account.updated',
  'account.deauthorized',
  'account.disconnected',
  'payment.succeeded',
  'payment.failed',
  'payment.canceled',
  'payment.refunded',
  'refund.updated',
  'refund.failed',
  'dispute.opened',
  'dispute.updated',
  'dispute.closed',
  'payout.failed',
  'notification.failed',
  'invoice.sent',
  'invoice.paid',
  'invoice.payment_failed',
  'invoice.duplicate_payment',
  'invoice.duplicate_payment_refunded',
  'invoice.voided',
  'invoice.marked_uncollectible',
  'subscription.created',
  'subscription.updated',
  'subscription.canceled',
  'subscription.trial_will_end',
  'subscription_invoice.paid',
  'subscription_invoice.payment_failed',
  'subscription_invoice.voided',
  // a usage threshold of the tenant's plan with the platform reached (billing/usage/alerts.ts)
  'tenant.usage.threshold_reached',
  // a plan invoice of the tenant paid, or its payment failed (billing/account/handlers.ts)
  'tenant.billing.invoice.paid',
  'tenant.billing.invoice.payment_failed',
  // a tenant's plan with the platform changed: a quote accepted and paid, a pending update or a scheduled
  // downgrade applied, a subscription ended back on the default plan (billing/tenant-plan/move.ts)
  'tenant.plan.changed',
  // dunning of a tenant's failed plan renewal (billing/dunning/): the failure, the last retry failed
  // (restricted), suspended, and the invoice paid after all
  'tenant.billing.past_due',
  'tenant.billing.warning',
  'tenant.billing.suspended',
  'tenant.billing.recovered',
] as const;

export type OutboundEventType = (typeof outboundEventTypes)[number];

const known: ReadonlySet<string> = new Set(outboundEventTypes);
export const isOutboundEventType = (t: string): t is OutboundEventType => known.has(t);
