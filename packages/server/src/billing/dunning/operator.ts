import { and, asc, eq, inArray, ne, type SQL } from 'drizzle-orm';
import type { Ctx } from '../../context.ts';
import type { Tx } from '../../db/client.ts';
import { type DunningPhase, dunningAttempts, dunningCases, tenants } from '../../db/schema/index.ts';
import { withSystem } from '../../db/tenant.ts';
import { ApiError } from '../../http/errors.ts';
import { asUuid } from '../../http/ids.ts';
import { type Page, paginate } from '../../http/pagination.ts';
import type { Jobs } from '../../jobs/define.ts';
import type { Logger } from '../../logger.ts';
import { requirePlatformScope } from '../../scope/actor.ts';
import { inTenant, scopeInTenant, type TenantScope } from '../../scope/tenant.ts';
import type { Stripe, StripeRef } from '../../stripe/client.ts';
import { StripeFailure } from '../../stripe/gateway.ts';
import { upsertInvoice } from '../account/invoices.ts';
import { readInvoice } from '../tenant-plan/quote-calls.ts';
import { type DunningCaseRow, outstandingOf, updateCase } from './cases.ts';
import { attemptNow, settleRecovered } from './service.ts';
import { settleVoided } from './settle.ts';
import { markPaidOutOfBand } from './stripe-calls.ts';

// The operator's view of every tenant's dunning and its three actions (docs/platform-billing.md, "Operator →
// Dunning"). A case is found by its id across tenants (withSystem), then read and acted on in its own
// tenant's transaction, audited there with the operator as actor.

export type AttemptRow = typeof dunningAttempts.$inferSelect;
export interface CaseView {
  row: DunningCaseRow;
  tenantName: string;
  attempts?: AttemptRow[];
}

export interface OperatorDeps {
  stripe: StripeRef;
  jobs: Jobs;
}

const DAY_MS = 86_400_000;

export async function listCases(
  ctx: Ctx,
  q: {
    limit: number;
    startingAfter?: string | null;
    endingBefore?: string | null;
    phase?: DunningPhase;
    status: 'open' | 'closed';
  },
): Promise<Page<CaseView>> {
  requirePlatformScope(ctx.actor, 'billing:read');
  return withSystem(ctx.db, 'operator.dunning', async (tx) => {
    const filters: SQL[] = [
      q.status === 'closed' ? eq(dunningCases.phase, 'closed') : ne(dunningCases.phase, 'closed'),
    ];
    if (q.phase) filters.push(eq(dunningCases.phase, q.phase));
    const page = await paginate<DunningCaseRow>(
      tx,
      { table: dunningCases, id: dunningCases.id, created: dunningCases.createdAt },
      and(...filters),
      q,
    );
    const names = await tenantNames(
      tx,
      page.data.map((c) => c.tenantId),
    );
    return {
      hasMore: page.hasMore,
      data: page.data.map((row) => ({ row, tenantName: names.get(row.tenantId) ?? '' })),
    };
  });
}

async function tenantNames(tx: Tx, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await tx
    .select({ id: tenants.id, name: tenants.name })
    .from(tenants)
    .where(inArray(tenants.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The tenant of the case `caseId` (a uuid parsed from the path); any other id is the same 404. */
async function locate(ctx: Ctx, caseId: string, publicId: string): Promise<TenantScope> {
  const [found] = await withSystem(ctx.db, 'operator.dunning', (tx) =>
    tx.select({ tenantId: dunningCases.tenantId }).from(dunningCases).where(eq(dunningCases.id, caseId)),
  );
  if (!found) throw ApiError.notFound('dunning case', publicId, 'case_id');
  return scopeInTenant(ctx, asUuid('tenant', found.tenantId));
}

async function readCase(tx: Tx, scope: TenantScope, caseId: string, publicId: string): Promise<CaseView> {
  const [row] = await tx
    .select()
    .from(dunningCases)
    .where(and(eq(dunningCases.id, caseId), eq(dunningCases.tenantId, scope.tenantId)));
  if (!row) throw ApiError.notFound('dunning case', publicId, 'case_id');
  const attempts = await tx
    .select()
    .from(dunningAttempts)
    .where(and(eq(dunningAttempts.caseId, row.id), eq(dunningAttempts.tenantId, scope.tenantId)))
    .orderBy(asc(dunningAttempts.at), asc(dunningAttempts.createdAt));
  const names = await tenantNames(tx, [scope.tenantId]);
  return { row, tenantName: names.get(scope.tenantId) ?? '', attempts };
}

const closedError = (publicId: string) =>
  new ApiError('dunning_case_closed', `The dunning case ${publicId} is closed: there is nothing to collect.`);

export async function getCase(ctx: Ctx, caseId: string, publicId: string): Promise<CaseView> {
  requirePlatformScope(ctx.actor, 'billing:read');
  const scope = await locate(ctx, caseId, publicId);
  return inTenant(scope, 'billing:read', (tx) => readCase(tx, scope, caseId, publicId));
}

/** "Retry now": an attempt on the case with every saved method (attemptNow), then the case as it is. */
export async function retryCase(
  ctx: Ctx,
  deps: OperatorDeps,
  caseId: string,
  publicId: string,
): Promise<CaseView> {
  requirePlatformScope(ctx.actor, 'billing:write');
  const scope = await locate(ctx, caseId, publicId);
  const before = await inTenant(scope, 'billing:read', (tx) => readCase(tx, scope, caseId, publicId));
  if (before.row.phase === 'closed') throw closedError(publicId);
  // Fastify's request logger is pino's
  const log = ctx.log as unknown as Logger;
  const run = await attemptNow(
    { db: ctx.db, config: ctx.config, stripe: deps.stripe, jobs: deps.jobs, log },
    scope.tenantId,
  );
  if (!run.ran)
    throw new ApiError(
      'dunning_case_busy',
      'An attempt on this case is running now: read the case in a moment to see its outcome.',
    );
  return inTenant(scope, 'billing:write', async (tx) => {
    const after = await readCase(tx, scope, caseId, publicId);
    const last = after.attempts?.at(-1);
    await scope.audit(tx, {
      action: 'billing.dunning_retried',
      target: { kind: 'dunningCase', id: caseId },
      data: {
        invoice: after.row.stripeInvoiceId,
        recovered: after.row.outcome === 'recovered',
        decline_code: last && last.status !== 'succeeded' ? last.declineCode : null,
      },
    });
    return after;
  });
}

/**
 * More time before the suspension: the remaining retries, the suspension and the final action move `days`
 * later (the case's delay grows, as an outage's does). Only before the suspension.
 */
export async function extendCase(
  ctx: Ctx,
  caseId: string,
  publicId: string,
  input: { days: number; note: string },
): Promise<CaseView> {
  requirePlatformScope(ctx.actor, 'billing:write');
  const scope = await locate(ctx, caseId, publicId);
  return inTenant(scope, 'billing:write', async (tx) => {
    const c = (await readCase(tx, scope, caseId, publicId)).row;
    if (c.phase === 'closed') throw closedError(publicId);
    if (c.phase === 'suspended')
      throw new ApiError(
        'dunning_case_suspended',
        'The tenant is already suspended: a case is extended only before its suspension. Mark the invoice paid, or retry once a card is fixed.',
      );
    const by = input.days * DAY_MS;
    const later = (d: Date | null) => (d ? new Date(d.getTime() + by) : null);
    const moved = await updateCase(tx, c, {
      delaySeconds: c.delaySeconds + input.days * 86_400,
      suspendAt: later(c.suspendAt)!,
      nextAttemptAt: later(c.nextAttemptAt),
      finalAt: later(c.finalAt),
    });
    if (!moved) throw new ApiError('resource_exists', 'The case moved on meanwhile: read it and try again.');
    await scope.audit(tx, {
      action: 'billing.dunning_extended',
      target: { kind: 'dunningCase', id: caseId },
      data: {
        invoice: c.stripeInvoiceId,
        days: input.days,
        note: input.note,
        suspend_at_before: c.suspendAt.toISOString(),
        suspend_at: moved.suspendAt.toISOString(),
      },
    });
    return readCase(tx, scope, caseId, publicId);
  });
}

/** An invoice of the case marked paid out of band at Stripe (`marked`), or as it is if paid or voided meanwhile. */
async function paidOutOfBand(deps: OperatorDeps, invoice: string) {
  try {
    return { inv: await markPaidOutOfBand(deps.stripe, invoice), marked: true };
  } catch (e) {
    // paid meanwhile (a retry, the recovery page), or voided: what Stripe has now
    if (!(e instanceof StripeFailure) || e.kind !== 'invalid_request') throw e;
    const inv = await readInvoice(deps.stripe, invoice);
    if (inv.status !== 'paid' && inv.status !== 'void') throw e;
    return { inv, marked: false };
  }
}

/**
 * What the case owes paid outside Stripe: each of its unpaid invoices marked paid out of band at Stripe, the
 * oldest first, then the case recovered.
 */
export async function markCasePaid(
  ctx: Ctx,
  deps: OperatorDeps,
  caseId: string,
  publicId: string,
  input: { note: string },
): Promise<CaseView> {
  requirePlatformScope(ctx.actor, 'billing:write');
  const scope = await locate(ctx, caseId, publicId);
  const c = (await inTenant(scope, 'billing:read', (tx) => readCase(tx, scope, caseId, publicId))).row;
  if (c.phase === 'closed') throw closedError(publicId);
  const invoices: { inv: Stripe.Invoice; marked: boolean }[] = [];
  const calledAt = new Date();
  for (const id of outstandingOf(c)) invoices.push(await paidOutOfBand(deps, id));
  const fetchedAt = new Date();
  const settleDeps = { config: ctx.config, jobs: deps.jobs };
  return inTenant(scope, 'billing:write', async (tx) => {
    let settled = false;
    for (const { inv } of invoices) {
      await upsertInvoice(tx, scope.tenantId, inv, fetchedAt);
      const closed =
        (await settleRecovered(tx, settleDeps, scope.tenantId, inv, calledAt)) ||
        (await settleVoided(tx, scope.tenantId, inv));
      settled ||= closed;
    }
    const marked = invoices.flatMap((i) => (i.marked ? [i.inv] : []));
    await scope.audit(tx, {
      action: 'billing.dunning_marked_paid',
      target: { kind: 'dunningCase', id: caseId },
      data: {
        invoice: c.stripeInvoiceId,
        invoices: marked.map((i) => i.id),
        amount: marked.reduce((sum, i) => sum + i.amount_due, 0),
        note: input.note,
        settled,
      },
    });
    return readCase(tx, scope, caseId, publicId);
  });
}
