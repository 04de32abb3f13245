import { and, eq, ilike, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { rowForRequestKey } from '../../db/request-rows.ts';
import { type FeeRefundEntry, payments } from '../../db/schema/index.ts';
import { olderThan } from '../../db/sync-guard.ts';
import { type Page, paginate } from '../../http/pagination.ts';

export type PaymentRow = typeof payments.$inferSelect;

export type NewPayment = typeof payments.$inferInsert;

export async function insertPayment(tx: Tx, values: NewPayment): Promise<PaymentRow> {
  const [row] = await tx.insert(payments).values(values).returning();
  return row!;
}

export async function getPayment(
  tx: Tx,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<PaymentRow | null> {
  const q = tx.select().from(payments).where(eq(payments.id, id));
  const [row] = opts.lock ? await q.for('update') : await q;
  return row ?? null;
}

export const paymentByRequestKey = (tx: Tx, requestKey: string, ttlHours: number) =>
  rowForRequestKey(tx, payments, requestKey, ttlHours);

/** A payment whose PaymentIntent Stripe refused to create (no Stripe object exists). */
export async function deletePendingPayment(tx: Tx, id: string): Promise<void> {
  await tx.delete(payments).where(and(eq(payments.id, id), isNull(payments.stripePaymentIntentId)));
}

/** The row of a charge. */
export async function paymentByCharge(tx: Tx, chargeId: string): Promise<PaymentRow | null> {
  const [row] = await tx.select().from(payments).where(eq(payments.stripeChargeId, chargeId));
  return row ?? null;
}

/** Our uuid (from a Stripe object's metadata) or its PaymentIntent: the rows of one PaymentIntent. */
export interface IntentRef {
  id?: string | null;
  paymentIntent?: string | null;
}

/** A charge's row and every row of its PaymentIntent, in one read, oldest first. */
export async function paymentsOf(tx: Tx, ref: IntentRef & { charge?: string | null }): Promise<PaymentRow[]> {
  const clauses: SQL[] = [];
  if (ref.id) clauses.push(eq(payments.id, ref.id));
  if (ref.paymentIntent) clauses.push(eq(payments.stripePaymentIntentId, ref.paymentIntent));
  if (ref.charge) clauses.push(eq(payments.stripeChargeId, ref.charge));
  if (!clauses.length) return [];
  return tx
    .select()
    .from(payments)
    .where(or(...clauses))
    .orderBy(payments.createdAt, payments.id);
}

/**
 * The payment a Stripe object (refund, dispute) belongs to: its charge's row, else the PaymentIntent's
 * row that succeeded (or its newest).
 */
export async function findPayment(
  tx: Tx,
  ref: IntentRef & { charge?: string | null },
): Promise<PaymentRow | null> {
  const rows = await paymentsOf(tx, ref);
  return (
    (ref.charge ? rows.find((r) => r.stripeChargeId === ref.charge) : undefined) ??
    rows.find((r) => r.status === 'succeeded') ??
    rows.at(-1) ??
    null
  );
}

/** The id of the PaymentIntent's row that succeeded, or with `orLatest` its newest row. */
export async function paymentIdForIntent(
  tx: Tx,
  paymentIntent: string,
  opts: { orLatest?: boolean } = {},
): Promise<string | null> {
  const row = await findPayment(tx, { paymentIntent });
  return row && (opts.orLatest || row.status === 'succeeded') ? row.id : null;
}

/**
 * Gives the open row to a charge. Only a row still without a charge is taken, so two charges of one
 * PaymentIntent can never land on the same row.
 */
export async function claimOpenPayment(
  tx: Tx,
  id: string,
  chargeId: string,
  paymentIntent: string | null,
): Promise<PaymentRow | null> {
  const [row] = await tx
    .update(payments)
    .set({
      stripeChargeId: chargeId,
      ...(paymentIntent ? { stripePaymentIntentId: paymentIntent } : {}),
      updatedAt: sql`now()`,
    })
    .where(and(eq(payments.id, id), isNull(payments.stripeChargeId)))
    .returning();
  return row ?? null;
}

/** Inserts a row unless one exists for its charge (or, without a charge, the PaymentIntent's open row). */
export async function insertPaymentOnce(tx: Tx, values: NewPayment): Promise<PaymentRow | null> {
  const [row] = await tx.insert(payments).values(values).onConflictDoNothing().returning();
  return row ?? null;
}

/** The fields a PaymentIntent decides (on the open row, or a charge's row not synced from its charge yet). */
export type PiFields = Pick<
  PaymentRow,
  | 'stripePaymentIntentId'
  | 'amount'
  | 'currency'
  | 'status'
  | 'failureCode'
  | 'failureMessage'
  | 'nextActionUrl'
> &
  Partial<Pick<PaymentRow, 'applicationFeeAmount' | 'customerId' | 'description' | 'succeededAt'>>;

/** `succeeded_at` keeps the first success a sync told of: a later one never moves it. */
const firstSuccess = (at: Date | null | undefined) =>
  at ? sql`coalesce(${payments.succeededAt}, ${at.toISOString()}::timestamptz)` : undefined;

/** Applies a PaymentIntent's state behind the row's last_synced_at guard. */
export async function applyPaymentIntent(
  tx: Tx,
  id: string,
  fields: PiFields,
  syncedAt: Date,
): Promise<PaymentRow | null> {
  const [row] = await tx
    .update(payments)
    .set({
      ...fields,
      succeededAt: firstSuccess(fields.succeededAt),
      lastSyncedAt: syncedAt,
      updatedAt: sql`now()`,
    })
    .where(and(eq(payments.id, id), olderThan(payments.lastSyncedAt, syncedAt)))
    .returning();
  return row ?? null;
}

/** The fields a charge (with its balance transaction) decides. */
export type ChargeFields = Pick<
  PaymentRow,
  | 'chargeCreated'
  | 'status'
  | 'failureCode'
  | 'failureMessage'
  | 'paymentMethodType'
  | 'paymentMethodBrand'
  | 'paymentMethodLast4'
  | 'receiptUrl'
  | 'amountRefunded'
> &
  Partial<
    Pick<
      PaymentRow,
      | 'stripeFee'
      | 'applicationFeeAmount'
      | 'tenantNet'
      | 'platformNet'
      | 'feesFinal'
      | 'disputeStatus'
      | 'succeededAt'
      | 'nextActionUrl'
      | 'stripeApplicationFeeId'
    >
  >;

/**
 * Applies its charge to a row behind the charge's own guard. The nets are the charge's plus any fee top-up,
 * read from the row as it is when updated (a top-up recorded meanwhile is never lost).
 */
export async function applyCharge(
  tx: Tx,
  id: string,
  fields: ChargeFields,
  syncedAt: Date,
): Promise<PaymentRow | null> {
  const [row] = await tx
    .update(payments)
    .set({
      ...fields,
      tenantNet:
        fields.tenantNet === undefined ? undefined : sql`${fields.tenantNet}::int - ${payments.feeTopUp}`,
      platformNet:
        fields.platformNet === undefined ? undefined : sql`${fields.platformNet}::int + ${payments.feeTopUp}`,
      succeededAt: firstSuccess(fields.succeededAt),
      chargeSyncedAt: syncedAt,
      updatedAt: sql`now()`,
    })
    .where(and(eq(payments.id, id), olderThan(sql`${payments.chargeSyncedAt}`, syncedAt)))
    .returning();
  return row ?? null;
}

/**
 * Records the fee recovered by a transfer reversal or handed back by a transfer, and what could not be taken
 * (idempotent: a replay of the same one is a no-op).
 */
export async function recordFeeTopUp(
  tx: Tx,
  id: string,
  amount: number,
  reversalId: string | null,
  uncollected = 0,
): Promise<PaymentRow | null> {
  const [row] = await tx
    .update(payments)
    .set({
      feeTopUp: amount,
      feeTopUpReversal: reversalId,
      feeTopUpUncollected: uncollected,
      tenantNet: sql`${payments.tenantNet} - (${amount}::int - ${payments.feeTopUp})`,
      platformNet: sql`${payments.platformNet} + (${amount}::int - ${payments.feeTopUp})`,
      updatedAt: sql`now()`,
    })
    .where(eq(payments.id, id))
    .returning();
  return row ?? null;
}

/** The payment's latest dispute status and the net of all its disputes' balance transactions. */
export async function setDisputeState(tx: Tx, id: string, status: string, disputeNet: number): Promise<void> {
  await tx
    .update(payments)
    .set({ disputeStatus: status, disputeNet, updatedAt: sql`now()` })
    .where(eq(payments.id, id));
}

/**
 * What Stripe says of the payment's application fee: how much of it was refunded, and each refund. Only
 * written when it differs (the fee object is refetched, so it is Stripe's current state).
 */
export async function setApplicationFeeRefunds(
  tx: Tx,
  id: string,
  refunded: number,
  entries: FeeRefundEntry[],
): Promise<PaymentRow | null> {
  const [row] = await tx
    .update(payments)
    .set({ applicationFeeRefunded: refunded, applicationFeeRefunds: entries, updatedAt: sql`now()` })
    .where(
      and(
        eq(payments.id, id),
        sql`(${payments.applicationFeeRefunded} <> ${refunded} or ${payments.applicationFeeRefunds} <> ${JSON.stringify(entries)}::jsonb)`,
      ),
    )
    .returning();
  return row ?? null;
}

export interface PaymentFilters {
  status?: string;
  customerId?: string;
  q?: string;
  createdGte?: Date;
  createdLte?: Date;
}

export function listPayments(
  tx: Tx,
  tenantId: string,
  q: { limit: number; startingAfter?: string | null; endingBefore?: string | null } & PaymentFilters,
): Promise<Page<PaymentRow>> {
  const search = q.q ? `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  return paginate<PaymentRow>(
    tx,
    { table: payments, id: payments.id, created: payments.createdAt },
    and(
      eq(payments.tenantId, tenantId),
      q.status ? eq(payments.status, q.status) : undefined,
      q.customerId ? eq(payments.customerId, q.customerId) : undefined,
      q.createdGte ? sql`${payments.createdAt} >= ${q.createdGte.toISOString()}::timestamptz` : undefined,
      q.createdLte ? sql`${payments.createdAt} <= ${q.createdLte.toISOString()}::timestamptz` : undefined,
      search
        ? or(
            ilike(payments.description, search),
            ilike(payments.stripePaymentIntentId, search),
            ilike(payments.stripeChargeId, search),
            ilike(payments.paymentMethodLast4, search),
            sql`${payments.customerId} in (select id from customers where email ilike ${search})`,
          )
        : undefined,
    ),
    q,
  );
}
