import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { platformInvoices } from '../../db/schema/index.ts';
import { ApiError } from '../../http/errors.ts';
import { type Page, type PageQuery, paginate } from '../../http/pagination.ts';
import { inTenant, type TenantScope } from '../../scope/tenant.ts';
import type { Stripe } from '../../stripe/client.ts';
import { StripeFailure } from '../../stripe/gateway.ts';
import { idOf } from '../../stripe/ids.ts';
import { billingOf } from '../core.ts';
import { type AccountDeps, customerOf } from './customer.ts';
import { linesOf, taxesOf } from './schemas.ts';
import { listInvoices, previewInvoice, retrieveInvoice } from './stripe-calls.ts';

// The tenant's plan invoices: a mirror (`platform_invoices`) written by the platform billing's invoice.*
// webhooks (handlers.ts) and refreshed from Stripe on demand, listed newest first like every list.

export type InvoiceRow = typeof platformInvoices.$inferSelect;

const at = (s: number | null | undefined) => (s ? new Date(s * 1000) : null);

/**
 * Writes Stripe's invoice as read at `syncedAt` behind the out-of-order guard: an older read never overwrites
 * a newer one. The caller has shown the invoice is the tenant's (its customer is the tenant's customer).
 */
export async function upsertInvoice(tx: Tx, tenantId: string, inv: Stripe.Invoice, syncedAt: Date) {
  const { totalTax, taxes } = taxesOf(inv);
  const sub = idOf(
    (inv as { parent?: { subscription_details?: { subscription?: unknown } } }).parent?.subscription_details
      ?.subscription ?? (inv as { subscription?: unknown }).subscription,
  );
  const values = {
    id: inv.id!,
    tenantId,
    stripeCustomerId: idOf(inv.customer)!,
    stripeSubscriptionId: sub,
    number: inv.number ?? null,
    status: inv.status ?? 'draft',
    currency: inv.currency,
    subtotal: inv.subtotal,
    total: inv.total,
    amountDue: inv.amount_due,
    amountPaid: inv.amount_paid,
    amountRemaining: inv.amount_remaining,
    totalTax,
    taxes,
    lines: linesOf(inv),
    periodStart: at(inv.period_start),
    periodEnd: at(inv.period_end),
    hostedInvoiceUrl: inv.hosted_invoice_url ?? null,
    invoicePdf: inv.invoice_pdf ?? null,
    createdAt: at(inv.created)!,
    lastSyncedAt: syncedAt,
  };
  const { id: _id, tenantId: _t, createdAt: _c, ...changes } = values;
  await tx
    .insert(platformInvoices)
    .values(values)
    .onConflictDoUpdate({
      target: platformInvoices.id,
      set: changes,
      setWhere: sql`${platformInvoices.lastSyncedAt} < excluded.last_synced_at and ${platformInvoices.tenantId} = excluded.tenant_id`,
    });
}

/** A draft deleted at Stripe leaves the history. */
export async function forgetInvoice(tx: Tx, id: string): Promise<void> {
  await tx.delete(platformInvoices).where(eq(platformInvoices.id, id));
}

export function listPlanInvoices(scope: TenantScope, query: PageQuery): Promise<Page<InvoiceRow>> {
  return inTenant(scope, 'billing:read', (tx) =>
    paginate<InvoiceRow>(
      tx,
      { table: platformInvoices, id: platformInvoices.id, created: platformInvoices.createdAt },
      eq(platformInvoices.tenantId, scope.tenantId),
      query,
    ),
  );
}

const invoiceNotFound = (id: string) => ApiError.notFound('invoice', id, 'invoice');

/** One plan invoice: the mirror's row, else read from Stripe when it is the tenant customer's (and kept). */
export async function getPlanInvoice(scope: TenantScope, deps: AccountDeps, id: string): Promise<InvoiceRow> {
  if (!/^in_[A-Za-z0-9]{1,250}$/.test(id)) throw invoiceNotFound(id);
  const row = await inTenant(scope, 'billing:read', async (tx) => {
    const [r] = await tx
      .select()
      .from(platformInvoices)
      .where(and(eq(platformInvoices.id, id), eq(platformInvoices.tenantId, scope.tenantId)));
    return r ?? null;
  });
  if (row) return row;
  const customer = await customerOf(scope, 'billing:read');
  if (!customer) throw invoiceNotFound(id);
  const inv = await retrieveInvoice(deps.stripe, id);
  if (!inv || idOf(inv.customer) !== customer) throw invoiceNotFound(id);
  const fetchedAt = new Date();
  return inTenant(scope, 'billing:read', async (tx) => {
    await upsertInvoice(tx, scope.tenantId, inv, fetchedAt);
    const [r] = await tx.select().from(platformInvoices).where(eq(platformInvoices.id, id));
    return r!;
  });
}

/** Reads the customer's invoices (the latest 100) from Stripe into the mirror; answers how many it read. */
export async function refreshPlanInvoices(scope: TenantScope, deps: AccountDeps): Promise<number> {
  const customer = await customerOf(scope, 'billing:read');
  if (!customer) return 0;
  const invoices = await listInvoices(deps.stripe, customer);
  const fetchedAt = new Date();
  await inTenant(scope, 'billing:read', async (tx) => {
    for (const inv of invoices)
      if (idOf(inv.customer) === customer) await upsertInvoice(tx, scope.tenantId, inv, fetchedAt);
  });
  return invoices.length;
}

/** The plan subscription's next invoice as Stripe would make it now; null without a live subscription. */
export async function upcomingInvoice(scope: TenantScope, deps: AccountDeps): Promise<Stripe.Invoice | null> {
  const sub = await inTenant(scope, 'billing:read', async (tx) => {
    const row = await billingOf(tx, scope.tenantId);
    const live =
      row?.stripeSubscriptionId && !['canceled', 'incomplete_expired'].includes(row.stripeStatus ?? '');
    return live ? row!.stripeSubscriptionId : null;
  });
  if (!sub) return null;
  try {
    return await previewInvoice(deps.stripe, sub);
  } catch (err) {
    // a subscription Stripe will invoice no more (ending, or never paid): there is no next invoice
    if (err instanceof StripeFailure && err.kind === 'invalid_request') return null;
    throw err;
  }
}
