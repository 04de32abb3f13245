import { syncHandler } from '../webhooks/apply.ts';
import type { HandlerMap } from '../webhooks/registry.ts';

// Payments' webhook handlers (issue 7). Every stateful object is refetched and applied guarded; the
// payments issue replaces the raw mirror writes with its own tables through the same guard.
const pi = (outbound?: string) => syncHandler('payment_intent', outbound);
const charge = (outbound?: string) => syncHandler('charge', outbound);
const refund = (outbound?: string) => syncHandler('refund', outbound);
const dispute = (outbound?: string) => syncHandler('dispute', outbound);

export const paymentHandlers: HandlerMap = {
  'payment_intent.created': pi(),
  'payment_intent.processing': pi(),
  'payment_intent.requires_action': pi(),
  'payment_intent.amount_capturable_updated': pi(),
  'payment_intent.partially_funded': pi(),
  'payment_intent.succeeded': pi('payment.succeeded'),
  'payment_intent.payment_failed': pi('payment.failed'),
  'payment_intent.canceled': pi('payment.canceled'),
  'charge.succeeded': charge(),
  'charge.failed': charge(),
  'charge.captured': charge(),
  'charge.pending': charge(),
  'charge.updated': charge(),
  'charge.expired': charge(),
  'charge.refunded': charge('payment.refunded'),
  'charge.refund.updated': refund(),
  'refund.created': refund(),
  'refund.updated': refund(),
  'refund.failed': refund('refund.failed'),
  'charge.dispute.created': dispute('dispute.opened'),
  'charge.dispute.updated': dispute(),
  'charge.dispute.closed': dispute('dispute.closed'),
  'charge.dispute.funds_withdrawn': dispute(),
  'charge.dispute.funds_reinstated': dispute(),
  'customer.created': syncHandler('customer'),
  'customer.updated': syncHandler('customer'),
  'customer.deleted': syncHandler('customer'),
};
