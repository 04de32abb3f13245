import type { Ctx } from '../context.ts';
import { withTenant } from '../db/tenant.ts';
import { asUuid, toPublicId } from '../http/ids.ts';
import type { JobDeps } from '../jobs/define.ts';
import * as payments from '../payments/service.ts';
import { insertAudit } from '../scope/audit.ts';
import { scopeInTenant } from '../scope/tenant.ts';
import { emitOutbound } from '../webhooks/service.ts';
import * as repo from './repo.ts';
import { toApiInvoice } from './schemas.ts';
import { type FollowupJob, sendInvoice } from './service.ts';

/**
 * The invoices' `billing-followup` jobs (listed in jobs.ts): turning a paid/voided/replaced invoice's link
 * off, refunding a payment that raced through a single-use link, and sending an invoice again with a new
 * link. Each is idempotent (state checked first, Stripe keys derived from our records), so pg-boss's retries
 * are safe.
 */

export async function deactivateLink(deps: JobDeps, job: Extract<FollowupJob, { kind: 'deactivate_link' }>) {
  const row = await withTenant(deps.db, job.tenantId, (tx) => repo.getInvoice(tx, job.invoiceId));
  const link = job.link ?? row?.linkToDeactivate;
  if (!row || !link) return;
  await deps.stripe.call(
    {
      action: 'turn the payment link off',
      account: row.chargeType === 'direct' ? row.stripeAccountId : null,
      movesMoney: false,
      purpose: 'invoice_link_off',
      record: row.id,
      discriminator: link,
    },
    (stripe, opts) => stripe.paymentLinks.update(link, { active: false }, opts),
  );
  await withTenant(deps.db, job.tenantId, async (tx) => {
    const now = await repo.getInvoice(tx, job.invoiceId, { lock: true });
    if (now?.linkToDeactivate === link)
      await repo.updateInvoice(tx, job.invoiceId, { linkToDeactivate: null });
  });
}

export async function refundDuplicate(
  deps: JobDeps,
  job: Extract<FollowupJob, { kind: 'refund_duplicate' }>,
) {
  const found = await withTenant(deps.db, job.tenantId, async (tx) => {
    const invoice = await repo.getInvoice(tx, job.invoiceId);
    const ip = (await repo.paymentsOfInvoice(tx, job.invoiceId)).find((p) => p.id === job.invoicePaymentId);
    return invoice && ip ? { invoice, ip } : null;
  });
  if (found?.ip.outcome !== 'duplicate' || !found.ip.stripePaymentIntentId) return;
  const { invoice, ip } = found;
  const account = invoice.chargeType === 'direct' ? invoice.stripeAccountId : null;
  // The payment row may not exist yet (its events can come after the session's): apply Stripe's state now.
  const fetchedAt = new Date();
  const pi = await deps.stripe.call(
    { action: 'read the payment intent', account, movesMoney: false },
    (stripe, opts) => stripe.paymentIntents.retrieve(ip.stripePaymentIntentId!, {}, opts),
  );
  const chargeId = typeof pi.latest_charge === 'string' ? pi.latest_charge : (pi.latest_charge?.id ?? null);
  const charge = await payments.fetchCharge(
    { stripe: deps.stripe },
    { chargeType: invoice.chargeType ?? 'direct', stripeAccountId: invoice.stripeAccountId ?? '' },
    chargeId,
  );
  const payment = await withTenant(deps.db, job.tenantId, async (tx) => {
    const scope = { tenantId: job.tenantId, account };
    await payments.syncPaymentIntent(tx, scope, pi, fetchedAt);
    // the row of the charge that paid twice (an earlier declined attempt has a row of its own)
    return charge ? ((await payments.syncCharge(tx, scope, charge, fetchedAt))?.row ?? null) : null;
  });
  if (!payment) throw new Error(`no payment for ${ip.stripePaymentIntentId} yet`);
  const ctx: Ctx = {
    db: deps.db,
    config: deps.config,
    actor: { kind: 'system', label: 'billing-followup' },
    requestId: `job_${job.invoicePaymentId}`,
    log: deps.log,
    // the job's retries reuse one refund row, so one Stripe key: whatever the tenant refunded meanwhile,
    // the rest of the duplicate goes back once
    requestKey: `billing-followup:refund_duplicate:${job.invoicePaymentId}`,
  };
  const refund = await payments
    .createRefund(
      scopeInTenant(ctx, asUuid('tenant', job.tenantId)),
      { stripe: deps.stripe },
      {
        payment: toPublicId('payment', payment.id),
        reason: 'duplicate',
        refund_application_fee: true,
        metadata: { tributary_invoice: toPublicId('invoice', invoice.id) },
      },
    )
    .catch(async (err) => {
      // refunded in full already (by the tenant): nothing is left to give back
      if ((err as { code?: string }).code !== 'payment_not_refundable') throw err;
      const all = await withTenant(deps.db, job.tenantId, (tx) => payments.refundsOf(tx, [payment.id]));
      const done = all.find((r) => r.status !== 'failed' && r.status !== 'canceled');
      if (!done) throw err;
      return done;
    });
  await withTenant(deps.db, job.tenantId, async (tx) => {
    await repo.setInvoicePaymentOutcome(tx, ip.id, 'refunded');
    await insertAudit(tx, ctx.actor, ctx.requestId, {
      tenantId: job.tenantId,
      action: 'invoice.duplicate_payment_refunded',
      target: { kind: 'invoice', id: invoice.id },
      data: {
        payment: toPublicId('payment', payment.id),
        refund: toPublicId('refund', refund.id),
        amount: ip.amount,
      },
    });
    await emitOutbound(tx, deps.jobs(), {
      tenantId: job.tenantId,
      type: 'invoice.duplicate_payment_refunded',
      data: {
        invoice: toApiInvoice(invoice),
        payment: toPublicId('payment', payment.id),
        refund: toPublicId('refund', refund.id),
        amount: ip.amount,
      },
    });
  });
}

/** A new link for an invoice whose link a failed bank debit used up; `invoice.sent` carries it again. */
export async function resend(deps: JobDeps, job: Extract<FollowupJob, { kind: 'resend' }>) {
  const row = await withTenant(deps.db, job.tenantId, (tx) => repo.getInvoice(tx, job.invoiceId));
  if (!row || row.stripePaymentLinkId || row.status !== 'open') return;
  const ctx: Ctx = {
    db: deps.db,
    config: deps.config,
    actor: { kind: 'system', label: 'billing-followup' },
    requestId: `job_resend_${job.invoiceId}_${row.sendAttempt}`,
    log: deps.log,
  };
  await sendInvoice(
    scopeInTenant(ctx, asUuid('tenant', job.tenantId)),
    { stripe: deps.stripe, jobs: async () => deps.jobs() },
    toPublicId('invoice', job.invoiceId),
  );
}
