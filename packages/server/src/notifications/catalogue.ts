import type { TemplateName } from './templates/index.ts';

/** Alerts to a tenant's owners and admins; each may turn off those not critical. */
export const ownerAlertTemplates = [
  'dispute_opened',
  'dispute_closed',
  'refund_failed',
  'payout_failed',
  'account_needs_information',
  'account_disabled',
  'account_deauthorized',
  'invoice_paid',
  'usage_threshold',
  'plan_payment_failed',
  'plan_attempt_failed',
  'plan_suspended',
  'plan_recovered',
] as const satisfies readonly TemplateName[];
export type OwnerAlert = (typeof ownerAlertTemplates)[number];

/**
 * Alerts nobody may turn off: money is at stake and only the owner can act (evidence has a deadline; a
 * disabled account takes no payments).
 */
export const criticalAlerts: ReadonlySet<OwnerAlert> = new Set([
  'dispute_opened',
  'account_disabled',
  // the tenant's own plan unpaid: only paying restores it
  'plan_payment_failed',
  'plan_attempt_failed',
  'plan_suspended',
]);

/** E-mails to the tenant's customers; each is off until the tenant turns it on. */
export const customerEmailTemplates = [
  'receipt',
  'invoice_sent',
  'payment_failed',
  'renewal_reminder',
  'card_expiring',
] as const satisfies readonly TemplateName[];
export type CustomerEmail = (typeof customerEmailTemplates)[number];

/**
 * Whose addresses a template's e-mail goes to: the tenant's own (owner alerts, the billing contact's
 * verification) or its customers'. A bounce is kept under this kind; only the tenant's own raise its banner.
 */
export function audienceOf(template: string): 'owner' | 'customer' {
  return (customerEmailTemplates as readonly string[]).includes(template) ? 'customer' : 'owner';
}
