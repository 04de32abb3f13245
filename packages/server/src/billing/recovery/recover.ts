import { and, eq, inArray } from 'drizzle-orm';
import type { Ctx } from '../../context.ts';
import { platformInvoices } from '../../db/schema/index.ts';
import { ApiError } from '../../http/errors.ts';
import { type TenantId, toPublicId } from '../../http/ids.ts';
import type { Jobs } from '../../jobs/define.ts';
import type { TenantAccess } from '../../scope/actor.ts';
import { inTenant, type TenantScope, tenantScope } from '../../scope/tenant.ts';
import type { Stripe, StripeRef } from '../../stripe/client.ts';
import { StripeFailure } from '../../stripe/gateway.ts';
import { tenantRowIn } from '../../tenants/service.ts';
import { ensureCustomer } from '../account/customer.ts';
import { type InvoiceRow, upsertInvoice } from '../account/invoices.ts';
import { listPaymentMethods, type MethodView } from '../account/payment-methods.ts';
import { createSetupSession, methodOfCustomer } from '../account/stripe-calls.ts';
import { billingOf } from '../core.ts';
import { owedInvoicesOf, settleRecovered } from '../dunning/service.ts';
import { declineInWords } from '../tenant-plan/accept.ts';
import { intentOf } from '../tenant-plan/quote-calls.ts';
import { payInvoice, readInvoice } from './stripe-calls.ts';
import { recoveryLink } from './token.ts';

// What the recovery page does, for the tenant its token names (token.ts): show the invoices its dunning case
// owes and the saved methods, pay those invoices oldest first with one of them, open Stripe's page adding a
// card (its confirmation: account/confirm-setup.ts). The caller is the link, not a person: its scope holds
// the billing scopes alone, and its audit entries say "recovery link".

export interface RecoveryDeps {
  stripe: StripeRef;
  jobs: Jobs;
}

const linkAccess = (tenantId: TenantId): TenantAccess => ({
  tenantId,
  scopes: new Set(['billing:read', 'billing:write']),
  role: 'member',
});

/** The scope a recovery token acts in: `ctx`'s actor is the link's. */
export function recoveryScope(ctx: Ctx, tenantId: TenantId): TenantScope {
  return tenantScope(ctx, tenantId, toPublicId('tenant', tenantId), linkAccess(tenantId));
}

export const IN_DUNNING = ['past_due', 'warning', 'suspended'] as const;

/**
 * A fresh recovery link while the tenant is in dunning, for a caller who may pay (the link pays and adds
 * cards: `billing:write`); audited, since whoever holds it can.
 */
export function mintLink(scope: TenantScope): Promise<{ url: string; expiresAt: number }> {
  return inTenant(scope, 'billing:write', async (tx) => {
    const state = (await billingOf(tx, scope.tenantId))?.state ?? 'active';
    if (!(IN_DUNNING as readonly string[]).includes(state))
      throw new ApiError(
        'recovery_nothing_owed',
        'Nothing is owed on the plan: there is no payment link to give while the account is in good standing.',
      );
    const link = recoveryLink(scope.config, scope.tenantId);
    await scope.audit(tx, { action: 'billing.recovery_link_created', data: { expires_at: link.expiresAt } });
    return link;
  });
}

export interface Summary {
  tenantName: string;
  state: string;
  invoices: InvoiceRow[];
  methods: MethodView[];
}

/**
 * What the tenant's open dunning case owes (dunning's `owedInvoicesOf`: its failed renewal and the renewals
 * joined to it, oldest first, less those settled), as the tenant's mirror has them, still open: the order
 * they are paid in. Any other open invoice of the billing customer is none of the recovery page's business.
 */
export function owedInvoices(scope: TenantScope) {
  return inTenant(scope, 'billing:read', async (tx) => {
    const row = await billingOf(tx, scope.tenantId);
    const ids = await owedInvoicesOf(tx, scope.tenantId);
    const mirrored = ids.length
      ? await tx
          .select()
          .from(platformInvoices)
          .where(and(eq(platformInvoices.tenantId, scope.tenantId), inArray(platformInvoices.id, ids)))
      : [];
    const invoices = ids
      .map((id) => mirrored.find((r) => r.id === id))
      .filter((r): r is InvoiceRow => r?.status === 'open' && r.stripeCustomerId === row?.stripeCustomerId);
    const tenant = await tenantRowIn(tx, scope.tenantId);
    return { row, invoices, tenantName: tenant?.name ?? scope.publicId };
  });
}

export async function summary(scope: TenantScope, deps: Pick<RecoveryDeps, 'stripe'>): Promise<Summary> {
  const { row, invoices, tenantName } = await owedInvoices(scope);
  const methods = row?.stripeCustomerId ? await listPaymentMethods(scope, deps) : [];
  return { tenantName, state: row?.state ?? 'active', invoices, methods };
}

export type PayOutcome =
  | { status: 'paid'; state: string; invoice: InvoiceRow }
  | { status: 'requires_action'; state: string; invoice: InvoiceRow; url: string | null };

const notFound = (what: 'invoice' | 'payment method', id: string) =>
  ApiError.notFound(what, id, what === 'invoice' ? 'invoice' : 'payment_method');

const declined = (reason: string, cause?: unknown) =>
  new ApiError(
    'recovery_payment_failed',
    `The invoice was not paid: ${reason}. Try another card, or add a new one.`,
    { param: 'payment_method', cause },
  );

/**
 * Pays one of the invoices the tenant's dunning case owes with one of its saved methods, both checked first
 * (the invoice among those owed, the method at Stripe on the tenant's customer; anything else is the same
 * 404), the oldest first (a later one: 409). Paid: the invoice is mirrored and the case settled in one
 * transaction, so the answer already says `active` once the last is paid (the `invoice.paid` event applies
 * the same again, changing nothing).
 */
export async function payOpenInvoice(
  scope: TenantScope,
  deps: RecoveryDeps,
  input: { invoice: string; paymentMethod: string },
): Promise<PayOutcome> {
  const requestKey = scope.requestKey;
  if (!requestKey) throw new Error('payOpenInvoice: a money-moving call needs the request key');
  if (!/^in_[A-Za-z0-9]{1,250}$/.test(input.invoice)) throw notFound('invoice', input.invoice);
  const { row, invoices } = await owedInvoices(scope);
  const customer = row?.stripeCustomerId ?? null;
  const mirrored = invoices.find((i) => i.id === input.invoice);
  if (!mirrored || !customer) throw notFound('invoice', input.invoice);
  const oldest = invoices[0]!;
  if (oldest.id !== mirrored.id)
    throw new ApiError(
      'recovery_invoice_not_oldest',
      `Invoices are paid oldest first: pay ${oldest.number ?? oldest.id} before this one.`,
      { param: 'invoice' },
    );
  const pm = input.paymentMethod;
  const method = /^pm_[A-Za-z0-9]{1,250}$/.test(pm)
    ? await methodOfCustomer(deps.stripe, customer, pm)
    : null;
  if (!method) throw notFound('payment method', pm);
  // a bank debit takes days to clear: it could not restore the account within this request
  if (method.type !== 'card')
    throw new ApiError('parameter_invalid', 'Only a card pays an invoice here: choose a card or add one.', {
      param: 'payment_method',
    });

  let inv: Stripe.Invoice;
  const calledAt = new Date();
  try {
    inv = await payInvoice(deps.stripe, { invoice: mirrored.id, paymentMethod: method.id, requestKey });
  } catch (e) {
    if (!(e instanceof StripeFailure)) throw e;
    // Stripe answers a card asking for 3-D Secure with this error (the invoice stays open, its intent
    // `requires_action`): the tenant finishes on the invoice's page
    if (e.code === 'invoice_payment_intent_requires_action')
      inv = await readInvoice(deps.stripe, mirrored.id);
    else if (e.kind === 'card_error') throw declined(declineInWords(e.declineCode ?? e.code), e);
    else {
      // paid meanwhile (a retry of the dunning schedule, the hosted page): read what Stripe has
      if (e.kind !== 'invalid_request') throw e;
      inv = await readInvoice(deps.stripe, mirrored.id);
      if (inv.status !== 'paid') throw e;
    }
  }
  if (inv.status !== 'paid') {
    const intent = intentOf(inv.payments ? inv : await readInvoice(deps.stripe, inv.id!));
    if (intent?.status !== 'requires_action') {
      const err = intent?.last_payment_error;
      throw declined(declineInWords(err?.decline_code ?? err?.code, err?.message));
    }
  }
  const fetchedAt = new Date();
  return inTenant(scope, 'billing:write', async (tx) => {
    await upsertInvoice(tx, scope.tenantId, inv, fetchedAt);
    const paid = inv.status === 'paid';
    const settled = paid
      ? await settleRecovered(tx, { config: scope.config, jobs: deps.jobs }, scope.tenantId, inv, calledAt)
      : false;
    await scope.audit(tx, {
      action: paid ? 'billing.recovery_paid' : 'billing.recovery_requires_action',
      data: { invoice: inv.id, payment_method: method.id, amount: inv.amount_due, settled },
    });
    const [row] = await tx.select().from(platformInvoices).where(eq(platformInvoices.id, inv.id!));
    const state = (await billingOf(tx, scope.tenantId))?.state ?? 'active';
    return paid
      ? { status: 'paid', state, invoice: row! }
      : { status: 'requires_action', state, invoice: row!, url: inv.hosted_invoice_url ?? null };
  });
}

/**
 * Stripe's page adding a card to the tenant's billing customer, back to the recovery page with the session's
 * id (Stripe fills in `{CHECKOUT_SESSION_ID}`), which the page confirms. The token stays out of both URLs:
 * Stripe keeps them, and the page has the token in its tab's sessionStorage.
 */
export async function openCardPage(
  scope: TenantScope,
  deps: Pick<RecoveryDeps, 'stripe'>,
): Promise<{ id: string; url: string; expiresAt: number }> {
  const customer = await ensureCustomer(scope, deps);
  const page = `${scope.config.publicUrl}/recover`;
  const session = await createSetupSession(deps.stripe, {
    tenantId: scope.tenantId,
    tenantPublicId: scope.publicId,
    customer,
    successUrl: `${page}?payment_method=added&checkout_session={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${page}?payment_method=canceled`,
    types: ['card'],
  });
  await inTenant(scope, 'billing:write', (tx) =>
    scope.audit(tx, {
      action: 'billing.payment_method_setup_opened',
      data: { checkout_session: session.id, types: ['card'], via: 'recovery_link' },
    }),
  );
  return { id: session.id, url: session.url!, expiresAt: session.expires_at };
}
