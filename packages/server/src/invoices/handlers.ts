import { syncHandler } from '../webhooks/apply.ts';
import type { HandlerMap } from '../webhooks/registry.ts';

// Invoices' webhook handlers (issue 7): invoices are refetched and applied guarded.
const invoice = (outbound?: string) => syncHandler('invoice', outbound);

export const invoiceHandlers: HandlerMap = {
  'invoice.created': invoice(),
  'invoice.updated': invoice(),
  'invoice.finalized': invoice(),
  'invoice.paid': invoice('invoice.paid'),
  'invoice.payment_succeeded': invoice(),
  'invoice.payment_failed': invoice('invoice.payment_failed'),
  'invoice.voided': invoice('invoice.voided'),
  'invoice.marked_uncollectible': invoice(),
  'invoice.deleted': invoice(),
};
