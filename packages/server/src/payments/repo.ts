import { and, desc, eq, getTableColumns, ilike, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { rowForRequestKey } from '../db/request-rows.ts';
import {
  connectAccounts,
  customers,
  disputes,
  feeSchedules,
  paymentMethods,
  payments,
  refunds,
} from '../db/schema/index.ts';
import { ApiError } from '../http/errors.ts';
import { type Page, paginate } from '../http/pagination.ts';

export type FeeScheduleRow = typeof feeSchedules.$inferSelect;
export type CustomerRow = typeof customers.$inferSelect;
export type PaymentMethodRow = typeof paymentMethods.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;
export type RefundRow = typeof refunds.$inferSelect;
export type DisputeRow = typeof disputes.$inferSelect;

/** `column IS NULL OR column < at`: the last_synced_at guard (CONVENTIONS.md, "guarded upsert"). */
const olderThan = (col: SQL | typeof payments.lastSyncedAt, at: Date) =>
  sql`(${col} IS NULL OR ${col} < ${at.toISOString()}::timestamptz)`;

// ---------------------------------------------------------------------------------------------------------
// Fee schedules

export async function getFeeOverride(tx: Tx, tenantId: string): Promise<FeeScheduleRow | null> {
  const [row] = await tx.select().from(feeSchedules).where(eq(feeSchedules.tenantId, tenantId));
  return row ?? null;
}

export async function upsertFeeOverride(
  tx: Tx,
  tenantId: string,
  input: Partial<Omit<FeeScheduleRow, 'tenantId' | 'createdAt' | 'updatedAt'>>,
): Promise<void> {
  await tx
    .insert(feeSchedules)
    .values({ tenantId, ...input })
    .onConflictDoUpdate({ target: feeSchedules.tenantId, set: { ...input, updatedAt: sql`now()` } });
}

// ---------------------------------------------------------------------------------------------------------
// Customers

export async function insertCustomer(
  tx: Tx,
  values: Pick<
    CustomerRow,
    'tenantId' | 'stripeAccountId' | 'email' | 'name' | 'phone' | 'address' | 'metadata'
  >,
): Promise<CustomerRow> {
  const [row] = await tx.insert(customers).values(values).returning();
  return row!;
}

export async function getCustomer(tx: Tx, id: string): Promise<CustomerRow | null> {
  const [row] = await tx.select().from(customers).where(eq(customers.id, id));
  return row ?? null;
}

/** By Stripe id; in the system scope (platform events) it finds the owning tenant's row. */
export async function customerByStripeId(tx: Tx, stripeId: string): Promise<CustomerRow | null> {
  const [row] = await tx.select().from(customers).where(eq(customers.stripeCustomerId, stripeId));
  return row ?? null;
}

export interface CustomerState {
  email: string | null;
  name: string | null;
  phone: string | null;
  address: Record<string, string | null> | null;
  metadata: Record<string, string>;
  defaultPaymentMethod: string | null;
  deleted: boolean;
}

/** Applies Stripe's state to our row behind the guard; links the Stripe id on first sight. */
export async function applyCustomer(
  tx: Tx,
  id: string,
  stripeId: string,
  state: CustomerState,
  syncedAt: Date,
): Promise<CustomerRow | null> {
  const [row] = await tx
    .update(customers)
    .set({ ...state, stripeCustomerId: stripeId, lastSyncedAt: syncedAt, updatedAt: sql`now()` })
    .where(and(eq(customers.id, id), olderThan(customers.lastSyncedAt as never, syncedAt)))
    .returning();
  return row ?? null;
}

/** A customer first seen through a webhook (created on Stripe's side): one row per Stripe id. */
export async function insertCustomerFromStripe(
  tx: Tx,
  tenantId: string,
  stripeAccountId: string | null,
  stripeId: string,
  state: CustomerState,
  syncedAt: Date,
): Promise<void> {
  await tx
    .insert(customers)
    .values({ tenantId, stripeAccountId, stripeCustomerId: stripeId, ...state, lastSyncedAt: syncedAt })
    .onConflictDoNothing();
}

export function listCustomers(
  tx: Tx,
  tenantId: string,
  q: { limit: number; startingAfter?: string | null; endingBefore?: string | null; email?: string },
): Promise<Page<CustomerRow>> {
  return paginate<CustomerRow>(
    tx,
    { table: customers, id: customers.id, created: customers.createdAt },
    and(
      eq(customers.tenantId, tenantId),
      eq(customers.deleted, false),
      q.email ? sql`lower(${customers.email}) = lower(${q.email})` : undefined,
    ),
    q,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Payment methods

export interface PaymentMethodState {
  type: string;
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
  bankName: string | null;
}

export async function upsertPaymentMethod(
  tx: Tx,
  tenantId: string,
  customerId: string,
  stripeId: string,
  state: PaymentMethodState,
  syncedAt: Date,
): Promise<PaymentMethodRow | null> {
  const [row] = await tx
    .insert(paymentMethods)
    .values({ tenantId, customerId, stripePaymentMethodId: stripeId, ...state, lastSyncedAt: syncedAt })
    .onConflictDoUpdate({
      target: [paymentMethods.tenantId, paymentMethods.stripePaymentMethodId],
      set: { ...state, customerId, detachedAt: null, lastSyncedAt: syncedAt },
      setWhere: olderThan(sql`payment_methods.last_synced_at`, syncedAt),
    })
    .returning();
  return row ?? null;
}

export async function markDetached(
  tx: Tx,
  stripeId: string,
  syncedAt: Date,
): Promise<PaymentMethodRow | null> {
  const [row] = await tx
    .update(paymentMethods)
    .set({ detachedAt: sql`coalesce(${paymentMethods.detachedAt}, now())`, lastSyncedAt: syncedAt })
    .where(and(eq(paymentMethods.stripePaymentMethodId, stripeId), olderThan(sql`last_synced_at`, syncedAt)))
    .returning();
  return row ?? null;
}

export async function getPaymentMethod(tx: Tx, id: string): Promise<PaymentMethodRow | null> {
  const [row] = await tx.select().from(paymentMethods).where(eq(paymentMethods.id, id));
  return row ?? null;
}

export async function paymentMethodByStripeId(tx: Tx, stripeId: string): Promise<PaymentMethodRow | null> {
  const [row] = await tx
    .select()
    .from(paymentMethods)
    .where(eq(paymentMethods.stripePaymentMethodId, stripeId));
  return row ?? null;
}

export function listPaymentMethods(tx: Tx, customerId: string): Promise<PaymentMethodRow[]> {
  return tx
    .select()
    .from(paymentMethods)
    .where(and(eq(paymentMethods.customerId, customerId), isNull(paymentMethods.detachedAt)))
    .orderBy(desc(paymentMethods.createdAt), desc(paymentMethods.id));
}

// ---------------------------------------------------------------------------------------------------------
// Payments

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

export const refundByRequestKey = (tx: Tx, requestKey: string, ttlHours: number) =>
  rowForRequestKey(tx, refunds, requestKey, ttlHours);

/** A retry that names another target or amount than the row its key made. */
export const idempotencyMismatch = () =>
  new ApiError(
    'idempotency_error',
    'Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than the one you sent if you meant to execute a different request.',
  );

/** A refund Stripe refused, tried again: a new attempt number, so a new Stripe key. */
export async function retryRefund(tx: Tx, id: string): Promise<RefundRow> {
  const [row] = await tx
    .update(refunds)
    .set({
      status: 'pending',
      failureReason: null,
      attempt: sql`${refunds.attempt} + 1`,
      updatedAt: sql`now()`,
    })
    .where(eq(refunds.id, id))
    .returning();
  return row!;
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
      succeededAt: fields.succeededAt
        ? sql`coalesce(${payments.succeededAt}, ${fields.succeededAt.toISOString()}::timestamptz)`
        : undefined,
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
      succeededAt: fields.succeededAt
        ? sql`coalesce(${payments.succeededAt}, ${fields.succeededAt.toISOString()}::timestamptz)`
        : undefined,
      chargeSyncedAt: syncedAt,
      updatedAt: sql`now()`,
    })
    .where(and(eq(payments.id, id), olderThan(sql`${payments.chargeSyncedAt}`, syncedAt)))
    .returning();
  return row ?? null;
}

/** Records the fee recovered by a transfer reversal (idempotent: a replay of the same reversal is a no-op). */
export async function recordFeeTopUp(
  tx: Tx,
  id: string,
  amount: number,
  reversalId: string,
): Promise<PaymentRow | null> {
  const [row] = await tx
    .update(payments)
    .set({
      feeTopUp: amount,
      feeTopUpReversal: reversalId,
      tenantNet: sql`${payments.tenantNet} - (${amount}::int - ${payments.feeTopUp})`,
      platformNet: sql`${payments.platformNet} + (${amount}::int - ${payments.feeTopUp})`,
      updatedAt: sql`now()`,
    })
    .where(eq(payments.id, id))
    .returning();
  return row ?? null;
}

export async function setDisputeStatus(tx: Tx, id: string, status: string): Promise<void> {
  await tx.update(payments).set({ disputeStatus: status, updatedAt: sql`now()` }).where(eq(payments.id, id));
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

/** The tenant whose connected account a destination charge pays (system scope: platform events). */
export async function tenantForAccount(
  tx: Tx,
  stripeAccountId: string,
): Promise<{ tenantId: string; kind: string } | null> {
  const [row] = await tx
    .select({ tenantId: connectAccounts.tenantId, kind: connectAccounts.kind })
    .from(connectAccounts)
    .where(eq(connectAccounts.stripeAccountId, stripeAccountId))
    .orderBy(sql`${connectAccounts.disconnectedAt} IS NULL DESC`, desc(connectAccounts.connectedAt))
    .limit(1);
  return row ?? null;
}

// ---------------------------------------------------------------------------------------------------------
// Refunds

/** What is refunded or being refunded (failed and canceled refunds give their amount back). */
export async function reservedRefunds(tx: Tx, paymentId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`coalesce(sum(${refunds.amount}), 0)::int` })
    .from(refunds)
    .where(and(eq(refunds.paymentId, paymentId), sql`${refunds.status} not in ('failed', 'canceled')`));
  return row?.n ?? 0;
}

export async function insertRefund(tx: Tx, values: typeof refunds.$inferInsert): Promise<RefundRow> {
  const [row] = await tx.insert(refunds).values(values).returning();
  return row!;
}

export async function getRefund(tx: Tx, id: string): Promise<RefundRow | null> {
  const [row] = await tx.select().from(refunds).where(eq(refunds.id, id));
  return row ?? null;
}

export async function refundByStripeId(tx: Tx, stripeId: string): Promise<RefundRow | null> {
  const [row] = await tx.select().from(refunds).where(eq(refunds.stripeRefundId, stripeId));
  return row ?? null;
}

/** Applies a Stripe refund's state behind the guard (also links the Stripe id on first sight). */
export async function applyRefund(
  tx: Tx,
  id: string,
  fields: Pick<RefundRow, 'stripeRefundId' | 'status' | 'failureReason'> &
    Partial<Pick<RefundRow, 'amount' | 'reason'>>,
  syncedAt: Date,
): Promise<RefundRow | null> {
  const [row] = await tx
    .update(refunds)
    .set({ ...fields, lastSyncedAt: syncedAt, updatedAt: sql`now()` })
    .where(and(eq(refunds.id, id), olderThan(sql`${refunds.lastSyncedAt}`, syncedAt)))
    .returning();
  return row ?? null;
}

/** Stripe refused the refund: it never happened, so its amount is free again. */
export async function failRefund(tx: Tx, id: string, reason: string): Promise<RefundRow | null> {
  const [row] = await tx
    .update(refunds)
    .set({ status: 'failed', failureReason: reason, updatedAt: sql`now()` })
    .where(and(eq(refunds.id, id), isNull(refunds.stripeRefundId)))
    .returning();
  return row ?? null;
}

export function listRefunds(
  tx: Tx,
  tenantId: string,
  q: { limit: number; startingAfter?: string | null; endingBefore?: string | null; paymentId?: string },
): Promise<Page<RefundRow>> {
  return paginate<RefundRow>(
    tx,
    { table: refunds, id: refunds.id, created: refunds.createdAt },
    and(eq(refunds.tenantId, tenantId), q.paymentId ? eq(refunds.paymentId, q.paymentId) : undefined),
    q,
  );
}

export function refundsOf(tx: Tx, paymentIds: string[]): Promise<RefundRow[]> {
  if (!paymentIds.length) return Promise.resolve([]);
  return tx.select().from(refunds).where(inArray(refunds.paymentId, paymentIds)).orderBy(refunds.createdAt);
}

// ---------------------------------------------------------------------------------------------------------
// Disputes

export type DisputeFields = Pick<DisputeRow, 'amount' | 'currency' | 'reason' | 'status' | 'evidenceDueBy'>;

/** Inserts or updates a dispute behind the guard; returns the row when it changed, with `inserted`. */
export async function upsertDispute(
  tx: Tx,
  tenantId: string,
  paymentId: string,
  stripeId: string,
  fields: DisputeFields,
  syncedAt: Date,
): Promise<(DisputeRow & { inserted: boolean }) | null> {
  const [row] = await tx
    .insert(disputes)
    .values({ tenantId, paymentId, stripeDisputeId: stripeId, ...fields, lastSyncedAt: syncedAt })
    .onConflictDoUpdate({
      target: [disputes.tenantId, disputes.stripeDisputeId],
      set: { ...fields, lastSyncedAt: syncedAt, updatedAt: sql`now()` },
      setWhere: olderThan(sql`disputes.last_synced_at`, syncedAt),
    })
    .returning({ ...getTableColumns(disputes), inserted: sql<boolean>`(xmax = 0)` });
  return row ?? null;
}

export async function getDispute(
  tx: Tx,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<DisputeRow | null> {
  const q = tx.select().from(disputes).where(eq(disputes.id, id));
  const [row] = opts.lock ? await q.for('update') : await q;
  return row ?? null;
}

export function disputesOf(tx: Tx, paymentId: string): Promise<DisputeRow[]> {
  return tx.select().from(disputes).where(eq(disputes.paymentId, paymentId)).orderBy(disputes.createdAt);
}

export async function recordEvidence(
  tx: Tx,
  id: string,
  values: Pick<DisputeRow, 'evidence' | 'files'> & { submitted: boolean },
): Promise<DisputeRow> {
  const [row] = await tx
    .update(disputes)
    .set({
      evidence: values.evidence,
      files: values.files,
      evidenceSubmittedAt: values.submitted ? sql`now()` : undefined,
      updatedAt: sql`now()`,
    })
    .where(eq(disputes.id, id))
    .returning();
  return row!;
}

export function listDisputes(
  tx: Tx,
  tenantId: string,
  q: { limit: number; startingAfter?: string | null; endingBefore?: string | null; status?: string },
): Promise<Page<DisputeRow>> {
  return paginate<DisputeRow>(
    tx,
    { table: disputes, id: disputes.id, created: disputes.createdAt },
    and(eq(disputes.tenantId, tenantId), q.status ? eq(disputes.status, q.status) : undefined),
    q,
  );
}

/** The tenant's owners' emails, for alerts the platform's app sends (disputes). */
export async function ownerEmails(tx: Tx, tenantId: string): Promise<string[]> {
  const res = (await tx.execute(sql`
    select u.email from memberships m join users u on u.id = m.user_id
    where m.tenant_id = ${tenantId} and m.role = 'owner' order by u.email`)) as unknown as {
    rows: { email: string }[];
  };
  return res.rows.map((r) => r.email);
}

/** A customer row whose Stripe create failed (never linked). */
export async function deleteCustomer(tx: Tx, id: string): Promise<void> {
  await tx.delete(customers).where(and(eq(customers.id, id), isNull(customers.stripeCustomerId)));
}

export async function clearDefault(tx: Tx, id: string): Promise<void> {
  await tx
    .update(customers)
    .set({ defaultPaymentMethod: null, updatedAt: sql`now()` })
    .where(eq(customers.id, id));
}

/** A payment whose PaymentIntent Stripe refused to create (no Stripe object exists). */
export async function deletePendingPayment(tx: Tx, id: string): Promise<void> {
  await tx.delete(payments).where(and(eq(payments.id, id), isNull(payments.stripePaymentIntentId)));
}
