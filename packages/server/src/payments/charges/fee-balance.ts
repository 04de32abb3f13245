import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { type FeeBalanceType, feeBalanceTransactions, payments } from '../../db/schema/index.ts';
import type { Stripe } from '../../stripe/client.ts';
import type * as repo from './repo.ts';

// The platform's balance transactions of each payment's application fee (the fee and its refunds), kept as
// Stripe booked them: the platform's fee revenue is counted from them (analytics/fees.ts).

export interface FeeBalanceEntry {
  stripeBalanceTransactionId: string;
  type: FeeBalanceType;
  source: string;
  amount: number;
  currency: string;
  created: Date;
}

type Expanded = string | Stripe.BalanceTransaction | null | undefined;

function entry(bt: Expanded, type: FeeBalanceType, source: string): FeeBalanceEntry | null {
  if (!bt || typeof bt === 'string') return null; // not expanded: nothing to book from
  return {
    stripeBalanceTransactionId: bt.id,
    type,
    source,
    amount: bt.amount,
    currency: bt.currency,
    created: new Date(bt.created * 1000),
  };
}

/** The fee's balance transactions, when the fee was read with them expanded (stripe/application-fees.ts). */
export function feeBalanceEntries(fee: Stripe.ApplicationFee): FeeBalanceEntry[] {
  const out = [entry(fee.balance_transaction, 'application_fee', fee.id)];
  for (const fr of fee.refunds?.data ?? [])
    out.push(entry(fr.balance_transaction, 'application_fee_refund', fr.id));
  return out.filter((e): e is FeeBalanceEntry => e !== null);
}

/** Books the entries on the payment (a balance transaction booked before is left as it is). */
export async function bookFeeBalance(
  tx: Tx,
  row: Pick<repo.PaymentRow, 'id' | 'tenantId'>,
  entries: FeeBalanceEntry[],
): Promise<number> {
  if (entries.length === 0) return 0;
  const inserted = await tx
    .insert(feeBalanceTransactions)
    .values(entries.map((e) => ({ ...e, tenantId: row.tenantId, paymentId: row.id })))
    .onConflictDoNothing()
    .returning({ id: feeBalanceTransactions.id });
  return inserted.length;
}

/** Whether the application fee's own balance transaction is booked on the payment. */
export async function feeBooked(tx: Tx, paymentId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: feeBalanceTransactions.id })
    .from(feeBalanceTransactions)
    .where(
      and(
        eq(feeBalanceTransactions.paymentId, paymentId),
        eq(feeBalanceTransactions.type, 'application_fee'),
      ),
    )
    .limit(1);
  return row !== undefined;
}

/** Records the charge's application fee id on its payment (from the fee itself, for a charge read earlier). */
export async function setApplicationFeeId(tx: Tx, paymentId: string, feeId: string): Promise<void> {
  await tx
    .update(payments)
    .set({ stripeApplicationFeeId: feeId, updatedAt: sql`now()` })
    .where(
      and(eq(payments.id, paymentId), sql`${payments.stripeApplicationFeeId} is distinct from ${feeId}`),
    );
}
