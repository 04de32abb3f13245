import type { EventHandler, HandlerMap } from '../webhooks/service.ts';
import { planInvoiceMirrored, platformMethodSaved } from './account/handlers.ts';
import { clockAdvanced, dunningInvoiceEvent, pendingUpdateExpired } from './dunning/handlers.ts';
import { planCustomerDiscountChanged } from './tenant-plan/customer-discount.ts';
import { planInvoiceRecorded, planSubscriptionChanged } from './tenant-plan/events.ts';

// The platform billing its tenants registers its handlers here.
export const billingHandlers: HandlerMap = {};

const subscription: EventHandler = { refetch: 'subscription', apply: planSubscriptionChanged };
// the audit entry, the tenant's billing history (billing/account/), then dunning (billing/dunning/)
const invoice: EventHandler = {
  refetch: 'invoice',
  apply: async (ctx) => {
    await planInvoiceRecorded(ctx);
    await planInvoiceMirrored(ctx);
    await dunningInvoiceEvent(ctx);
  },
};

/**
 * The platform's own subscriptions and invoices (a tenant's plan), and the payment methods saved on a tenant's
 * billing customer. The pipeline applies these instead of the
 * tenants' subscription and invoice handlers only to a platform-account event whose customer is a tenant's
 * billing customer (webhooks/platform-billing.ts); every other event of these types goes where it went.
 */
export const platformBillingHandlers: HandlerMap = {
  'customer.subscription.created': subscription,
  'customer.subscription.updated': subscription,
  'customer.subscription.deleted': subscription,
  'customer.subscription.paused': subscription,
  'customer.subscription.resumed': subscription,
  'customer.subscription.trial_will_end': subscription,
  'customer.subscription.pending_update_applied': subscription,
  'customer.subscription.pending_update_expired': {
    refetch: 'subscription',
    apply: async (ctx) => {
      await planSubscriptionChanged(ctx);
      await pendingUpdateExpired(ctx);
    },
  },
  // the billing customer's discount applies to its plans (tenant-plan/customer-discount.ts)
  'customer.discount.created': planCustomerDiscountChanged,
  'customer.discount.updated': planCustomerDiscountChanged,
  'customer.discount.deleted': planCustomerDiscountChanged,
  'invoice.created': invoice,
  'invoice.updated': invoice,
  'invoice.finalized': invoice,
  'invoice.paid': invoice,
  'invoice.payment_succeeded': invoice,
  'invoice.payment_failed': invoice,
  'invoice.payment_action_required': invoice,
  'invoice.voided': invoice,
  'invoice.marked_uncollectible': invoice,
  'invoice.deleted': invoice,
  'invoice.upcoming': { apply: async () => {} },
  // a payment method saved on the tenant's billing customer (Stripe's hosted page): made the default if none
  'setup_intent.succeeded': { refetch: 'setup_intent', apply: platformMethodSaved },
  // the test clock of a tenant's open dunning case advanced: what fell due runs (billing/dunning/)
  'test_helpers.test_clock.ready': { apply: clockAdvanced },
};
