import { ApiError } from '../../http/errors.ts';
import { callerId } from '../../scope/actor.ts';
import { inTenant, type TenantScope } from '../../scope/tenant.ts';
import type { Stripe } from '../../stripe/client.ts';
import { billingOf } from '../core.ts';
import { type AccountDeps, customerOf, ensureCustomer } from './customer.ts';
import { getPlanInvoice } from './invoices.ts';
import { type CreditNoteBody, linesOf } from './schemas.ts';
import { createBalanceChange, createCreditNote, retrieveCustomer, retrieveInvoice } from './stripe-calls.ts';

// The tenant's balance with the platform, and the platform's credits: an amount credited to the balance
// (Stripe applies it to the next invoices), or a credit note on a plan invoice that refunds it or credits the
// balance. Each is the platform's (operator or platform key), needs the caller's Idempotency-Key and is audited.

export async function balanceOf(
  scope: TenantScope,
  deps: AccountDeps,
): Promise<{ balance: number; currency: string | null }> {
  const customer = await customerOf(scope, 'billing:read');
  const c = customer ? await retrieveCustomer(deps.stripe, customer) : null;
  return { balance: c?.balance ?? 0, currency: c?.currency ?? null };
}

const planCurrencyOf = (scope: TenantScope) =>
  inTenant(scope, 'billing:read', async (tx) => (await billingOf(tx, scope.tenantId))?.currency ?? null);

export async function creditBalance(
  scope: TenantScope,
  deps: AccountDeps,
  input: { amount: number; currency: string; description: string; requestKey: string },
): Promise<Stripe.CustomerBalanceTransaction> {
  const customer = await ensureCustomer(scope, deps);
  // a balance has one currency, the customer's invoices': once set (by its plan or an earlier credit), a
  // credit in another would be refused by Stripe, and a first credit must not fix one its plan is not in
  const billed = (await retrieveCustomer(deps.stripe, customer))?.currency ?? (await planCurrencyOf(scope));
  if (billed && billed !== input.currency)
    throw new ApiError(
      'parameter_invalid',
      `The tenant is billed in ${billed.toUpperCase()}: a credit to its balance must be in ${billed.toUpperCase()}.`,
      { param: 'currency' },
    );
  const txn = await createBalanceChange(deps.stripe, {
    tenantId: scope.tenantId,
    tenantPublicId: scope.publicId,
    customer,
    amount: -input.amount,
    currency: input.currency,
    description: input.description,
    // keyed per caller, as the route's own idempotency is: two callers' equal keys are two requests
    requestKey: `${callerId(scope.actor)}:${input.requestKey}`,
  });
  await inTenant(scope, 'billing:write', (tx) =>
    scope.audit(tx, {
      action: 'billing.credit_granted',
      data: {
        balance_transaction: txn.id,
        amount: input.amount,
        currency: input.currency,
        description: input.description,
        ending_balance: txn.ending_balance,
      },
    }),
  );
  return txn;
}

export interface IssuedCreditNote {
  note: Stripe.CreditNote;
  refundAmount: number;
  creditAmount: number;
}

/**
 * A credit note on one of the tenant's plan invoices. On a paid invoice the amount is refunded (`refund:
 * true`) or credited to the balance; on an open one it lowers what is still due (nothing to refund yet).
 */
export async function issueCreditNote(
  scope: TenantScope,
  deps: AccountDeps,
  invoiceId: string,
  input: CreditNoteBody & { requestKey: string },
): Promise<IssuedCreditNote> {
  // the tenant's (its history, or Stripe's invoice of its customer), then as Stripe has it now: a stale copy
  // must never decide between a refund and a credit
  const mine = await getPlanInvoice(scope, deps, invoiceId);
  const fresh = await retrieveInvoice(deps.stripe, mine.id);
  if (!fresh) throw ApiError.notFound('invoice', invoiceId, 'invoice');
  const invoice = { id: mine.id, status: fresh.status ?? mine.status, lines: linesOf(fresh) };
  if (invoice.status !== 'paid' && invoice.status !== 'open') {
    throw new ApiError(
      'invoice_state_invalid',
      `A credit note needs an open or paid invoice; this one is ${invoice.status}.`,
      { param: 'invoice' },
    );
  }
  const total = input.amount ?? (input.lines ?? []).reduce((s, l) => s + l.amount, 0);
  const paid = invoice.status === 'paid';
  if (!paid && input.refund) {
    throw new ApiError(
      'parameter_invalid',
      'An open invoice has no payment to refund: refund must be false.',
      {
        param: 'refund',
      },
    );
  }
  // the invoice's first page of lines (Stripe's answer holds up to 10): beyond it, Stripe itself refuses a stranger
  if (input.lines && !fresh.lines?.has_more) {
    const known = new Set(invoice.lines.map((l) => l.id));
    const i = input.lines.findIndex((l) => !known.has(l.line));
    if (i >= 0)
      throw new ApiError('resource_missing', `No such line on this invoice: '${input.lines[i]!.line}'`, {
        param: `lines[${i}][line]`,
      });
  }
  const params: Stripe.CreditNoteCreateParams = {
    invoice: invoice.id,
    ...(input.amount !== undefined ? { amount: input.amount } : {}),
    ...(input.lines
      ? {
          lines: input.lines.map((l) => ({
            type: 'invoice_line_item' as const,
            invoice_line_item: l.line,
            amount: l.amount,
          })),
        }
      : {}),
    ...(input.reason ? { reason: input.reason } : {}),
    ...(input.memo ? { memo: input.memo } : {}),
    ...(paid ? (input.refund ? { refund_amount: total } : { credit_amount: total }) : {}),
    metadata: { tributary_kind: 'platform_plan', tributary_tenant_id: scope.publicId },
  };
  const note = await createCreditNote(deps.stripe, {
    invoice: invoice.id,
    params,
    // keyed per caller, as the route's own idempotency is: two callers' equal keys are two requests
    requestKey: `${callerId(scope.actor)}:${input.requestKey}`,
  });
  const refundAmount = paid && input.refund ? note.amount : 0;
  const creditAmount = paid && !input.refund ? note.amount : 0;
  await inTenant(scope, 'billing:write', (tx) =>
    scope.audit(tx, {
      action: 'billing.credit_note_issued',
      data: {
        credit_note: note.id,
        invoice: invoice.id,
        amount: note.amount,
        currency: note.currency,
        refund_amount: refundAmount,
        credit_amount: creditAmount,
        reason: input.reason ?? null,
      },
    }),
  );
  return { note, refundAmount, creditAmount };
}
