// The customer's invoice balance as a ledger: every change is a `customer_balance_transaction` and updates
// `customer.balance` (negative: credit the customer has, positive: an amount they owe). Finalizing an invoice
// takes the balance into it (`starting_balance` / `ending_balance`), voiding it gives the balance back.
import type { Ctx } from '../../app.ts';
import { emit } from '../../events.ts';
import type { Metadata } from '../../objects/common.ts';
import type { CustomerBalanceTransaction, CustomerBalanceType } from '../../objects/customer_balance.ts';
import type { Invoice } from '../../objects/invoices.ts';
import type { Customer } from '../../objects/payments.ts';
import { newId, nowSeconds } from '../../wire/ids.ts';

export interface BalanceEntry {
  amount: number;
  currency: string;
  type: CustomerBalanceType;
  description?: string | null;
  metadata?: Metadata;
  invoice?: string | null;
  creditNote?: string | null;
  /** No `customer.updated` (the customer is being created). */
  quiet?: boolean;
}

/** Add an entry to the customer's ledger and move `customer.balance` by its amount. */
export function recordBalance(ctx: Ctx, cus: Customer, e: BalanceEntry): CustomerBalanceTransaction {
  const currency = e.currency.toLowerCase();
  const previous: Partial<Customer> = { balance: cus.balance };
  if (cus.currency !== currency) previous.currency = cus.currency;
  cus.currency = currency;
  cus.balance = cus.balance + e.amount;
  const txn: CustomerBalanceTransaction = {
    id: newId('cbtxn'),
    object: 'customer_balance_transaction',
    amount: e.amount,
    checkout_session: null,
    created: nowSeconds(),
    credit_note: e.creditNote ?? null,
    currency,
    customer: cus.id,
    customer_account: null,
    description: e.description ?? null,
    ending_balance: cus.balance,
    invoice: e.invoice ?? null,
    livemode: false,
    metadata: e.metadata ?? {},
    type: e.type,
  };
  ctx.app.store.insert(ctx.account, txn);
  if (!e.quiet && (e.amount !== 0 || previous.currency !== undefined))
    emit(ctx, 'customer.updated', cus, { previous: previous as Record<string, unknown> });
  return txn;
}

/** The balance an invoice in `currency` would take now (a draft's `starting_balance`). */
export function balanceFor(ctx: Ctx, customer: string, currency: string): number {
  const cus = ctx.app.store.get(ctx.account, customer, 'customer');
  if (!cus || (cus.currency && cus.currency !== currency)) return 0;
  return cus.balance;
}

/** At finalization (after the totals are computed with `starting_balance`): the balance reduces (credit) or
 * increases (debit) what the invoice asks for; a credit larger than the invoice stays on the balance. */
export function applyBalanceToInvoice(ctx: Ctx, cus: Customer, inv: Invoice): void {
  const start = balanceFor(ctx, cus.id, inv.currency);
  inv.starting_balance = start;
  inv.ending_balance = Math.min(0, inv.total + start);
  const applied = inv.ending_balance - start;
  if (applied === 0) return;
  recordBalance(ctx, cus, {
    amount: applied,
    currency: inv.currency,
    type: 'applied_to_invoice',
    invoice: inv.id,
  });
}

/** A voided invoice gives back the balance it took. */
export function unapplyBalanceFromInvoice(ctx: Ctx, inv: Invoice): void {
  const taken = Number(inv.ending_balance ?? 0) - inv.starting_balance;
  if (taken === 0) return;
  const cus = ctx.app.store.get(ctx.account, inv.customer, 'customer');
  if (!cus) return;
  recordBalance(ctx, cus, {
    amount: -taken,
    currency: inv.currency,
    type: 'unapplied_from_invoice',
    invoice: inv.id,
  });
}
