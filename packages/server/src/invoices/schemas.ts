import { z } from 'zod';
import { toPublicId } from '../http/ids.ts';
import { listQuerySchema } from '../http/pagination.ts';
import { amountsInSteps, currencyCode, metadataSchema, unixTime, unixTimestamp } from '../http/schemas.ts';
import type { FailedPayment, InvoicePaymentRow, InvoiceRow } from './repo.ts';

// Tenant invoices: request and response shapes, shared with the dashboard.

const line = z.strictObject({
  description: z.string().min(1).max(500),
  quantity: z.number().int().min(1).max(1_000_000),
  /** minor units of the invoice's currency, at most 99999999 (bounds checked with the currency) */
  unit_amount: z.number().int(),
});

const currency = currencyCode;

export const invoiceCreateBody = z
  .strictObject({
    /** `null` is the same as leaving it out */
    customer: z.string().min(1).max(100).nullable().optional(),
    /** without `customer`, the invoice belongs to the tenant's customer with this e-mail (made if none) */
    customer_email: z.email().max(320).nullable().optional(),
    currency: currency.default('usd'),
    lines: z.array(line).min(1).max(100),
    /** unix seconds */
    due_date: unixTimestamp.positive().nullable().optional(),
    notes: z.string().max(5000).nullable().optional(),
    external_reference: z.string().max(200).nullable().optional(),
    metadata: metadataSchema.optional(),
  })
  .superRefine(amountsInSteps((b) => b.lines.map((l, i) => [['lines', i, 'unit_amount'], l.unit_amount])));
export type InvoiceCreateBody = z.infer<typeof invoiceCreateBody>;

export const invoiceUpdateBody = z.strictObject({
  customer: z.string().min(1).max(100).nullable().optional(),
  customer_email: z.email().max(320).nullable().optional(),
  currency: currency.optional(),
  lines: z.array(line).min(1).max(100).optional(),
  due_date: unixTimestamp.positive().nullable().optional(),
  notes: z.string().max(5000).nullable().optional(),
  external_reference: z.string().max(200).nullable().optional(),
  metadata: metadataSchema.optional(),
});
export type InvoiceUpdateBody = z.infer<typeof invoiceUpdateBody>;

export const invoiceListQuery = listQuerySchema.extend({
  status: z.enum(['draft', 'open', 'paid', 'void', 'uncollectible', 'overdue']).optional(),
  customer: z.string().min(1).max(100).optional(),
  external_reference: z.string().min(1).max(200).optional(),
});

export const invoiceStatusSchema = z.enum(['draft', 'open', 'paid', 'void', 'uncollectible', 'overdue']);

export const invoicePaymentSchema = z.object({
  checkout_session: z.string(),
  payment_intent: z.string().nullable(),
  amount: z.number().int(),
  outcome: z.string(),
  refund_error: z.string().nullable(),
  created: z.number().int(),
});

export const invoiceSchema = z
  .object({
    id: z.string(),
    object: z.literal('invoice'),
    status: invoiceStatusSchema,
    customer: z.string().nullable(),
    customer_email: z.string().nullable(),
    currency: z.string(),
    lines: z.array(
      z.object({
        description: z.string(),
        quantity: z.number().int(),
        unit_amount: z.number().int(),
        amount: z.number().int(),
      }),
    ),
    amount_total: z.number().int(),
    due_date: z.number().int().nullable(),
    notes: z.string().nullable(),
    external_reference: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    payment_link: z.object({ id: z.string(), url: z.string() }).nullable(),
    application_fee_amount: z.number().int().nullable(),
    platform_fee: z.number().int().nullable(),
    charge_type: z.enum(['direct', 'destination']).nullable(),
    payment: z.string().nullable(),
    payments: z.array(invoicePaymentSchema),
    last_payment_failure: z
      .object({
        payment: z.string(),
        code: z.string().nullable(),
        message: z.string().nullable(),
        created: z.number().int(),
      })
      .nullable(),
    editable: z.boolean(),
    sent_at: z.number().int().nullable(),
    paid_at: z.number().int().nullable(),
    voided_at: z.number().int().nullable(),
    created: z.number().int(),
    updated: z.number().int(),
  })
  .meta({ id: 'Invoice' });
export type ApiInvoice = z.infer<typeof invoiceSchema>;

/** `overdue` is derived from the due date: an open invoice past it. */
export function displayStatus(row: Pick<InvoiceRow, 'status' | 'dueDate'>, now = new Date()) {
  return row.status === 'open' && row.dueDate && row.dueDate < now ? ('overdue' as const) : row.status;
}

export const isEditable = (row: Pick<InvoiceRow, 'status'>) =>
  row.status === 'draft' || row.status === 'open';

export function toApiInvoice(
  row: InvoiceRow,
  paid: InvoicePaymentRow[] = [],
  failure: FailedPayment | null = null,
): ApiInvoice {
  return {
    id: toPublicId('invoice', row.id),
    object: 'invoice',
    status: displayStatus(row),
    customer: row.customerId ? toPublicId('customer', row.customerId) : null,
    customer_email: row.customerEmail,
    currency: row.currency,
    lines: row.lines.map((l) => ({ ...l, amount: l.quantity * l.unit_amount })),
    amount_total: row.amountTotal,
    due_date: unixTime(row.dueDate),
    notes: row.notes,
    external_reference: row.externalReference,
    metadata: row.metadata,
    payment_link:
      row.stripePaymentLinkId && row.paymentLinkUrl
        ? { id: row.stripePaymentLinkId, url: row.paymentLinkUrl }
        : null,
    application_fee_amount: row.applicationFeeAmount,
    platform_fee: row.platformFee,
    charge_type: row.chargeType,
    payment: row.paymentId ? toPublicId('payment', row.paymentId) : null,
    payments: paid.map((p) => ({
      checkout_session: p.stripeCheckoutSessionId,
      payment_intent: p.stripePaymentIntentId,
      amount: p.amount,
      outcome: p.outcome,
      refund_error: p.refundError,
      created: unixTime(p.createdAt)!,
    })),
    last_payment_failure: failure
      ? {
          payment: toPublicId('payment', failure.id),
          code: failure.failureCode,
          message: failure.failureMessage,
          created: unixTime(failure.createdAt)!,
        }
      : null,
    editable: isEditable(row),
    sent_at: unixTime(row.sentAt),
    paid_at: unixTime(row.paidAt),
    voided_at: unixTime(row.voidedAt),
    created: unixTime(row.createdAt)!,
    updated: unixTime(row.updatedAt)!,
  };
}
