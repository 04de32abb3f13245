import { requireChargesEnabled } from '../connect/service.ts';
import { amountRangeRule, amountStepOf, formatLocalized, stepRule } from '../currency.ts';
import type { Tx } from '../db/client.ts';
import type { InvoiceLine } from '../db/schema/index.ts';
import { computeFees, effectiveSchedule, requireCoversFees, stripePricing } from '../fees/service.ts';
import { ApiError } from '../http/errors.ts';
import { fromPublicId, parsePathId, toPublicId } from '../http/ids.ts';
import type { Page } from '../http/pagination.ts';
import type { Jobs } from '../jobs/boss.ts';
import type { JobInput } from '../jobs/define.ts';
import { customerForEmail, getCustomerOrThrow, paymentIdForIntent } from '../payments/service.ts';
import { inTenant, type TenantScope } from '../scope/tenant.ts';
import type { Stripe, StripeRef } from '../stripe/client.ts';
import type { CallerParams } from '../stripe/gateway.ts';
import { emitOutbound } from '../webhooks/service.ts';
import { invoiceSentEmail } from './emails.ts';
import * as repo from './repo.ts';
import { type InvoiceCreateBody, type InvoiceUpdateBody, isEditable, toApiInvoice } from './schemas.ts';

// The invoices domain's front door (this file, with the invoices API): other domains and the webhook
// pipeline take the invoices' webhook handlers from here too.

export interface InvoiceDeps {
  stripe: StripeRef;
  /** Awaited before a transaction opens, never inside one: a queue starting on first use needs the database. */
  jobs: () => Promise<Jobs>;
}

export interface InvoiceView {
  row: repo.InvoiceRow;
  payments: repo.InvoicePaymentRow[];
  /** the latest declined or failed payment on its link (the invoice stays open) */
  lastFailure: repo.FailedPayment | null;
}

const total = (lines: InvoiceLine[]) => lines.reduce((n, l) => n + l.quantity * l.unit_amount, 0);
const toDate = (s: number | null | undefined) =>
  s === undefined ? undefined : s === null ? null : new Date(s * 1000);

async function view(tx: Tx, row: repo.InvoiceRow): Promise<InvoiceView> {
  // paid before its payment's own events arrived: the payment row is found by its PaymentIntent
  const paymentId =
    row.paymentId ??
    (row.stripePaymentIntentId ? await paymentIdForIntent(tx, row.stripePaymentIntentId) : null);
  return {
    row: { ...row, paymentId },
    payments: await repo.paymentsOfInvoice(tx, row.id),
    lastFailure: await repo.lastFailedPayment(tx, row.id),
  };
}

async function getInvoiceOrThrow(tx: Tx, id: string, publicId: string, lock = false) {
  const row = await repo.getInvoice(tx, id, { lock });
  if (!row) throw ApiError.notFound('invoice', publicId, 'invoice');
  return row;
}

async function customerRef(tx: Tx, publicId: string | null | undefined) {
  if (publicId === undefined) return undefined;
  if (publicId === null) return null;
  const id = fromPublicId('customer', publicId);
  if (!id) throw ApiError.notFound('customer', publicId, 'customer');
  return getCustomerOrThrow(tx, id, publicId);
}

function checkAmount(amount: number, currency: string) {
  // Stripe's smallest charge is 50 of the minor unit; its largest an 8-digit amount
  const rule = amountRangeRule(amount, currency, { min: 50 });
  if (rule) {
    throw new ApiError(
      'parameter_invalid',
      `The invoice total (${formatLocalized(amount, currency, 'en-US')}) must be ${rule}.`,
      { param: 'lines' },
    );
  }
}

/**
 * An edit's lines, held to what a new invoice's schema asks of each (http/schemas.ts amountsInSteps) in the
 * currency the invoice will have: within Stripe's range, and in its steps (tens of the minor unit for
 * three-decimal currencies). The total alone is not enough: a negative line can make up for another.
 */
function checkLines(lines: readonly { unit_amount: number }[], currency: string) {
  lines.forEach((l, i) => {
    const range = amountRangeRule(l.unit_amount, currency);
    const rule = range ?? (l.unit_amount % amountStepOf(currency) !== 0 ? stepRule(currency) : null);
    if (rule)
      throw new ApiError('parameter_invalid', `Invalid lines[${i}][unit_amount]: ${rule}.`, {
        param: `lines[${i}][unit_amount]`,
      });
  });
}

/** A due date must be ahead: an invoice due before it is sent would be overdue at once. */
function checkDueDate(dueDate: number | null | undefined, now = Date.now()) {
  if (dueDate == null || dueDate * 1000 > now) return;
  throw new ApiError(
    'due_date_in_past',
    `The due date (${new Date(dueDate * 1000).toISOString()}) is in the past; give a date after now.`,
    { param: 'due_date' },
  );
}

/** What an edit leaves, checked as a new invoice is: its lines and total in the currency it will have, a new due date. */
function checkEdit(row: repo.InvoiceRow, input: InvoiceUpdateBody) {
  const lines = input.lines ?? row.lines;
  const currency = input.currency ?? row.currency;
  const amountTotal = total(lines);
  checkLines(lines, currency);
  checkAmount(amountTotal, currency);
  // the date it already has may be past (an overdue invoice edited): only a new date is checked
  if (input.due_date != null && input.due_date * 1000 !== row.dueDate?.getTime())
    checkDueDate(input.due_date);
  return { lines, amountTotal };
}

/**
 * The customer an invoice addressed to `email` alone belongs to (found or made; Stripe is called outside any
 * transaction). None when a customer is named, no e-mail is given, or the account cannot take charges yet.
 */
function customerByEmail(
  scope: TenantScope,
  deps: InvoiceDeps,
  input: { customer?: string | null; customer_email?: string | null },
) {
  if (input.customer || !input.customer_email) return Promise.resolve(null);
  return customerForEmail(scope, deps, input.customer_email, 'invoices:write');
}

export async function createInvoice(scope: TenantScope, deps: InvoiceDeps, input: InvoiceCreateBody) {
  const amountTotal = total(input.lines);
  checkAmount(amountTotal, input.currency);
  checkDueDate(input.due_date);
  const byEmail = await customerByEmail(scope, deps, input);
  return inTenant(scope, 'invoices:write', async (tx) => {
    const customer = await customerRef(tx, input.customer);
    const row = await repo.insertInvoice(tx, {
      tenantId: scope.tenantId,
      customerId: customer?.id ?? byEmail?.id ?? null,
      customerEmail: input.customer_email ?? customer?.email ?? null,
      currency: input.currency,
      lines: input.lines,
      amountTotal,
      dueDate: toDate(input.due_date) ?? null,
      notes: input.notes ?? null,
      externalReference: input.external_reference ?? null,
      metadata: input.metadata ?? {},
    });
    await scope.audit(tx, {
      action: 'invoice.created',
      target: { kind: 'invoice', id: row.id },
      data: { amount_total: amountTotal, currency: row.currency },
    });
    return view(tx, row);
  });
}

/** The invoice a caller names by its public id (a malformed one names none: the same 404). */
const invoiceOf = (publicId: string) => parsePathId('invoice', publicId);

export function getInvoice(scope: TenantScope, invoice: string) {
  const id = invoiceOf(invoice);
  return inTenant(scope, 'invoices:read', async (tx) => view(tx, await getInvoiceOrThrow(tx, id, invoice)));
}

export function listInvoices(
  scope: TenantScope,
  q: { limit: number; startingAfter: string | null; endingBefore: string | null } & repo.InvoiceFilters,
): Promise<Page<repo.InvoiceRow>> {
  return inTenant(scope, 'invoices:read', (tx) => repo.listInvoices(tx, scope.tenantId, q));
}

function requireEditable(row: repo.InvoiceRow, action: string) {
  if (!isEditable(row)) {
    throw new ApiError('invoice_state_invalid', `A ${row.status} invoice cannot be ${action}.`, {
      param: 'invoice',
    });
  }
}

/**
 * Edits a draft or an unpaid open invoice. Once sent, its link no longer matches: the link is turned off
 * (by the follow-up job) and the invoice must be sent again, which makes a new link under the next attempt.
 */
export async function updateInvoice(
  scope: TenantScope,
  deps: InvoiceDeps,
  invoice: string,
  input: InvoiceUpdateBody,
) {
  const { tenantId } = scope;
  const id = invoiceOf(invoice);
  const jobs = await deps.jobs();
  // a new e-mail without a named customer (absent or null) moves the invoice to that e-mail's customer; one
  // is made (on Stripe too) only for an edit that can succeed, so a refused edit leaves nothing behind
  if (!input.customer && input.customer_email)
    await inTenant(scope, 'invoices:write', async (tx) => {
      const row = await getInvoiceOrThrow(tx, id, invoice);
      requireEditable(row, 'edited');
      checkEdit(row, input);
    });
  const byEmail = await customerByEmail(scope, deps, input);
  return inTenant(scope, 'invoices:write', async (tx) => {
    const row = await getInvoiceOrThrow(tx, id, invoice, true);
    requireEditable(row, 'edited');
    const named = await customerRef(tx, input.customer);
    const customer = named ? named : input.customer_email !== undefined ? (byEmail ?? null) : named; // undefined: unchanged; null: no customer
    const { lines, amountTotal } = checkEdit(row, input);
    const relink = row.stripePaymentLinkId !== null;
    // once a send was attempted its key is spent on these parameters: the next send uses a new attempt
    const attempted = row.sendAttempt > 0;
    const updated = await repo.updateInvoice(tx, id, {
      ...(customer !== undefined ? { customerId: customer?.id ?? null } : {}),
      ...(input.customer_email !== undefined ? { customerEmail: input.customer_email } : {}),
      ...(input.currency !== undefined ? { currency: input.currency } : {}),
      lines,
      amountTotal,
      ...(input.due_date !== undefined ? { dueDate: toDate(input.due_date) ?? null } : {}),
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
      ...(input.external_reference !== undefined ? { externalReference: input.external_reference } : {}),
      ...(input.metadata !== undefined ? { metadata: input.metadata } : {}),
      ...(attempted ? { sendAttempt: row.sendAttempt + 1 } : {}),
      ...(relink
        ? { linkToDeactivate: row.stripePaymentLinkId, stripePaymentLinkId: null, paymentLinkUrl: null }
        : {}),
    });
    if (relink) {
      await enqueueFollowup(tx, jobs, {
        kind: 'deactivate_link',
        tenantId,
        invoiceId: id,
        link: row.stripePaymentLinkId,
      });
    }
    await scope.audit(tx, {
      action: 'invoice.updated',
      target: { kind: 'invoice', id },
      data: { fields: Object.keys(input), link_replaced: relink },
    });
    return view(tx, updated);
  });
}

/** A `billing-followup` job: its kinds are listed by the domains that handle them (job-registry.ts). */
export type FollowupJob = JobInput<'billing-followup'>;

export async function enqueueFollowup(tx: Tx, jobs: Jobs, job: FollowupJob) {
  await jobs.sendInTx(tx, 'billing-followup', job);
}

/** The Payment Link's parameters: direct on the tenant's account, or destination (Express-like). */
export function paymentLinkParams(
  row: repo.InvoiceRow,
  tenantPublicId: string,
): Stripe.PaymentLinkCreateParams {
  const ids = { tributary_invoice: toPublicId('invoice', row.id), tributary_tenant: tenantPublicId };
  const destination = row.chargeType === 'destination';
  return {
    line_items: row.lines.map((l) => ({
      price_data: {
        currency: row.currency,
        unit_amount: l.unit_amount,
        product_data: { name: l.description },
      },
      quantity: l.quantity,
    })) as Stripe.PaymentLinkCreateParams.LineItem[],
    ...(row.applicationFeeAmount ? { application_fee_amount: row.applicationFeeAmount } : {}),
    ...(destination
      ? { on_behalf_of: row.stripeAccountId!, transfer_data: { destination: row.stripeAccountId! } }
      : {}),
    // payable once: Stripe turns the link off after one completed session
    restrictions: { completed_sessions: { limit: 1 } },
    inactive_message: 'This invoice is no longer payable.',
    metadata: ids,
    payment_intent_data: {
      metadata: { ...ids, tributary_platform_fee: String(row.platformFee ?? 0) },
      ...(row.externalReference ? { description: `Invoice ${row.externalReference}` } : {}),
    },
  };
}

/** The invoice's own fields, as the caller set them, in the Payment Link's parameters. */
const invoiceInput: CallerParams = {
  line_items: 'lines',
  'line_items[][price_data][currency]': 'currency',
  'payment_intent_data[description]': 'external_reference',
};

const linkAccount = (row: Pick<repo.InvoiceRow, 'chargeType' | 'stripeAccountId'>) =>
  row.chargeType === 'direct' ? row.stripeAccountId : null;

/** An invoice drafted to an e-mail before the account could take charges gets its customer when sent. */
async function linkToEmailsCustomer(scope: TenantScope, deps: InvoiceDeps, id: string, invoice: string) {
  const row = await inTenant(scope, 'invoices:write', (tx) => getInvoiceOrThrow(tx, id, invoice));
  if (row.customerId || !row.customerEmail || !isEditable(row)) return;
  const customer = await customerForEmail(scope, deps, row.customerEmail, 'invoices:write');
  if (!customer) return;
  await inTenant(scope, 'invoices:write', async (tx) => {
    const current = await getInvoiceOrThrow(tx, id, invoice, true);
    if (!current.customerId && current.customerEmail === row.customerEmail)
      await repo.updateInvoice(tx, id, { customerId: customer.id });
  });
}

/**
 * "Send": creates the invoice's single-use Payment Link with the application fee (Stripe is called between
 * two transactions, with `tributary:invoice_send:<id>:<attempt>`, so a retried send gets the same link),
 * stores its URL and emits `invoice.sent` carrying it for the platform's app to email.
 */
export async function sendInvoice(scope: TenantScope, deps: InvoiceDeps, invoice: string) {
  const { tenantId, publicId } = scope;
  const id = invoiceOf(invoice);
  await linkToEmailsCustomer(scope, deps, id, invoice);
  const prepared = await inTenant(scope, 'invoices:write', async (tx) => {
    const row = await getInvoiceOrThrow(tx, id, invoice, true);
    if (row.status === 'open' && row.stripePaymentLinkId) return { row, ready: true };
    if (row.status !== 'draft' && row.status !== 'open') {
      throw new ApiError('invoice_state_invalid', `A ${row.status} invoice cannot be sent.`, {
        param: 'invoice',
      });
    }
    const acct = await requireChargesEnabled(tx, tenantId);
    const fees = computeFees({
      amount: row.amountTotal,
      currency: row.currency,
      kind: acct.kind,
      schedule: await effectiveSchedule(tx, scope.config, tenantId),
      pricing: stripePricing(scope.config),
    });
    requireCoversFees(fees, 'invoice');
    const updated = await repo.updateInvoice(tx, id, {
      stripeAccountId: acct.stripeAccountId,
      accountKind: acct.kind,
      chargeType: acct.kind === 'standard' ? 'direct' : 'destination',
      platformFee: fees.platformFee,
      applicationFeeAmount: fees.applicationFeeAmount,
      sendAttempt: Math.max(1, row.sendAttempt),
    });
    return { row: updated, ready: false };
  });
  if (prepared.ready) return getInvoice(scope, invoice);
  const row = prepared.row;
  const jobs = await deps.jobs();
  const link = await deps.stripe.call(
    {
      action: 'create the payment link',
      account: linkAccount(row),
      movesMoney: false,
      input: invoiceInput,
      purpose: 'invoice_send',
      record: row.id,
      attempt: row.sendAttempt,
      discriminator: row.applicationFeeAmount,
    },
    (stripe, opts) => stripe.paymentLinks.create(paymentLinkParams(row, publicId), opts),
  );
  return inTenant(scope, 'invoices:write', async (tx) => {
    const current = await getInvoiceOrThrow(tx, id, invoice, true);
    if (current.sendAttempt !== row.sendAttempt || !isEditable(current)) {
      // edited, voided or paid meanwhile: this link must not stay payable
      await repo.updateInvoice(tx, id, { linkToDeactivate: link.id });
      await enqueueFollowup(tx, jobs, { kind: 'deactivate_link', tenantId, invoiceId: id, link: link.id });
      throw new ApiError(
        'invoice_state_invalid',
        'The invoice changed while it was being sent; send it again.',
        {
          param: 'invoice',
        },
      );
    }
    if (current.stripePaymentLinkId === link.id) return view(tx, current);
    const updated = await repo.updateInvoice(tx, id, {
      status: 'open',
      stripePaymentLinkId: link.id,
      paymentLinkUrl: link.url,
      sentAt: new Date(),
    });
    const api = toApiInvoice(updated);
    await invoiceSentEmail(tx, { config: scope.config, jobs }, updated);
    await emitOutbound(tx, jobs, {
      tenantId,
      type: 'invoice.sent',
      data: { invoice: api, url: link.url, customer_email: updated.customerEmail },
    });
    await scope.audit(tx, {
      action: 'invoice.sent',
      target: { kind: 'invoice', id },
      data: { payment_link: link.id, attempt: row.sendAttempt },
    });
    return view(tx, updated);
  });
}

/** Void (or mark uncollectible) an unpaid invoice; its link is turned off. A paid invoice is final. */
export async function closeInvoice(
  scope: TenantScope,
  deps: InvoiceDeps,
  invoice: string,
  to: 'void' | 'uncollectible',
) {
  const { tenantId } = scope;
  const id = invoiceOf(invoice);
  const jobs = await deps.jobs();
  return inTenant(scope, 'invoices:write', async (tx) => {
    const row = await getInvoiceOrThrow(tx, id, invoice, true);
    const allowed = to === 'void' ? ['draft', 'open', 'uncollectible'] : ['open'];
    if (!allowed.includes(row.status)) {
      throw new ApiError(
        'invoice_state_invalid',
        `A ${row.status} invoice cannot be ${to === 'void' ? 'voided' : 'marked uncollectible'}.`,
        { param: 'invoice' },
      );
    }
    const updated = await repo.updateInvoice(tx, id, {
      status: to,
      ...(to === 'void' ? { voidedAt: new Date() } : {}),
      ...(row.stripePaymentLinkId ? { linkToDeactivate: row.stripePaymentLinkId } : {}),
    });
    if (row.stripePaymentLinkId) {
      await enqueueFollowup(tx, jobs, {
        kind: 'deactivate_link',
        tenantId,
        invoiceId: id,
        link: row.stripePaymentLinkId,
      });
    }
    await emitOutbound(tx, jobs, {
      tenantId,
      type: to === 'void' ? 'invoice.voided' : 'invoice.marked_uncollectible',
      data: { invoice: toApiInvoice(updated) },
    });
    await scope.audit(tx, {
      action: to === 'void' ? 'invoice.voided' : 'invoice.marked_uncollectible',
      target: { kind: 'invoice', id },
    });
    return view(tx, updated);
  });
}
