import { and, desc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { invoicePayments, invoices, payments } from '../db/schema/index.ts';
import { type Page, paginate } from '../http/pagination.ts';

export type InvoiceRow = typeof invoices.$inferSelect;
export type InvoiceInsert = typeof invoices.$inferInsert;
export type InvoicePaymentRow = typeof invoicePayments.$inferSelect;

export async function insertInvoice(tx: Tx, v: InvoiceInsert): Promise<InvoiceRow> {
  const [row] = await tx.insert(invoices).values(v).returning();
  return row!;
}

export async function getInvoice(
  tx: Tx,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<InvoiceRow | null> {
  const q = tx.select().from(invoices).where(eq(invoices.id, id));
  const [row] = opts.lock ? await q.for('update') : await q;
  return row ?? null;
}

export async function updateInvoice(tx: Tx, id: string, v: Partial<InvoiceInsert>): Promise<InvoiceRow> {
  const [row] = await tx
    .update(invoices)
    .set({ ...v, updatedAt: sql`now()` })
    .where(eq(invoices.id, id))
    .returning();
  return row!;
}

export interface InvoiceFilters {
  status?: string;
  customerId?: string;
  externalReference?: string;
}

export function listInvoices(
  tx: Tx,
  tenantId: string,
  q: { limit: number; startingAfter?: string | null; endingBefore?: string | null } & InvoiceFilters,
): Promise<Page<InvoiceRow>> {
  // overdue is derived: open with a due date in the past
  const status =
    q.status === 'overdue'
      ? sql`${invoices.status} = 'open' and ${invoices.dueDate} < now()`
      : q.status
        ? eq(invoices.status, q.status as InvoiceRow['status'])
        : undefined;
  return paginate<InvoiceRow>(
    tx,
    { table: invoices, id: invoices.id, created: invoices.createdAt },
    and(
      eq(invoices.tenantId, tenantId),
      status,
      q.customerId ? eq(invoices.customerId, q.customerId) : undefined,
      q.externalReference ? eq(invoices.externalReference, q.externalReference) : undefined,
    ),
    q,
  );
}

export async function paymentsOfInvoice(tx: Tx, invoiceId: string): Promise<InvoicePaymentRow[]> {
  return tx
    .select()
    .from(invoicePayments)
    .where(eq(invoicePayments.invoiceId, invoiceId))
    .orderBy(invoicePayments.createdAt);
}

/** Records a completed session once (a redelivered event finds it); null when it was already recorded. */
export async function insertInvoicePayment(
  tx: Tx,
  v: typeof invoicePayments.$inferInsert,
): Promise<InvoicePaymentRow | null> {
  const [row] = await tx.insert(invoicePayments).values(v).onConflictDoNothing().returning();
  return row ?? null;
}

export async function invoicePaymentBySession(tx: Tx, sessionId: string): Promise<InvoicePaymentRow | null> {
  const [row] = await tx
    .select()
    .from(invoicePayments)
    .where(eq(invoicePayments.stripeCheckoutSessionId, sessionId));
  return row ?? null;
}

export async function setInvoicePaymentOutcome(
  tx: Tx,
  id: string,
  outcome: string,
  refundError: string | null = null,
): Promise<void> {
  await tx
    .update(invoicePayments)
    .set({ outcome, refundError, updatedAt: sql`now()` })
    .where(eq(invoicePayments.id, id));
}

/** Links the payment rows of the invoice's PaymentIntent to it (payments made on its hosted link). */
/** The PaymentIntent's payment rows belong to the invoice, and to its customer when they name none. */
export async function linkPayments(tx: Tx, invoiceId: string, paymentIntent: string): Promise<void> {
  await tx
    .update(payments)
    .set({
      invoiceId,
      customerId: sql`coalesce(${payments.customerId}, (select customer_id from invoices where id = ${invoiceId}))`,
    })
    .where(eq(payments.stripePaymentIntentId, paymentIntent));
}

export interface FailedPayment {
  id: string;
  failureCode: string | null;
  failureMessage: string | null;
  createdAt: Date;
}

export async function lastFailedPayment(tx: Tx, invoiceId: string): Promise<FailedPayment | null> {
  const [row] = await tx
    .select({
      id: payments.id,
      failureCode: payments.failureCode,
      failureMessage: payments.failureMessage,
      createdAt: payments.updatedAt,
    })
    .from(payments)
    .where(and(eq(payments.invoiceId, invoiceId), eq(payments.status, 'failed')))
    .orderBy(desc(payments.updatedAt))
    .limit(1);
  return row ?? null;
}
