import { z } from 'zod';
import { dunningAttemptStatuses, dunningOutcomes, dunningPhases } from '../../db/schema/index.ts';
import { ApiError } from '../../http/errors.ts';
import { fromPublicId, toPublicId } from '../../http/ids.ts';
import { listQuerySchema, toApiList } from '../../http/pagination.ts';
import { ctxOf, type RouteModule } from '../../http/routing.ts';
import { cursors, errorResponses, listOf, pathId, unixTime } from '../../http/schemas.ts';
import { amountOwed, invoiceAmounts } from './cases.ts';
import { type CaseView, extendCase, getCase, listCases, markCasePaid, retryCase } from './operator.ts';

// The operator's dunning routes (docs/platform-billing.md, "Operator → Dunning"): every tenant's cases, one
// case with its attempts, and retry now, extend, mark paid.

const tags = ['billing'];
const caseParams = z.strictObject({ case_id: pathId });
const listQuery = listQuerySchema.extend({
  phase: z.enum(['past_due', 'warning', 'suspended']).optional(),
  status: z.enum(['open', 'closed']).default('open'),
});
const note = z.string().trim().min(1).max(500);
const extendBody = z.strictObject({ days: z.number().int().min(1).max(30), note });
const markPaidBody = z.strictObject({ note });

const attemptSchema = z.object({
  object: z.literal('dunning_attempt'),
  number: z.number().int(),
  scheduled: z.boolean(),
  invoice: z.string(),
  payment_method: z.string(),
  outcome: z.enum(dunningAttemptStatuses),
  decline_code: z.string().nullable(),
  advice_code: z.string().nullable(),
  message: z.string().nullable(),
  at: z.number().int(),
});
const caseSchema = z.object({
  object: z.literal('dunning_case'),
  id: z.string(),
  tenant: z.object({ id: z.string(), name: z.string() }),
  phase: z.enum(dunningPhases),
  outcome: z.enum(dunningOutcomes).nullable(),
  invoice: z.string(),
  /** every invoice of the case, oldest first: its first, then renewals that failed while it was open */
  invoices: z.array(z.object({ id: z.string(), amount: z.number().int(), settled: z.boolean() })),
  /** what is still owed on an open case; what was owed on a closed one */
  amount_owed: z.number().int(),
  currency: z.string(),
  opened_at: z.number().int(),
  next_attempt_at: z.number().int().nullable(),
  suspend_at: z.number().int(),
  final_at: z.number().int().nullable(),
  closed_at: z.number().int().nullable(),
  attempts_made: z.number().int(),
  attempts_total: z.number().int(),
  attempts: z.array(attemptSchema).optional(),
});

export const dunningOperatorRoutes: RouteModule = (app, deps) => {
  const total = deps.config.dunningRetryDays.length;
  const toApi = (v: CaseView): z.infer<typeof caseSchema> => ({
    object: 'dunning_case',
    id: toPublicId('dunningCase', v.row.id),
    tenant: { id: toPublicId('tenant', v.row.tenantId), name: v.tenantName },
    phase: v.row.phase,
    outcome: v.row.outcome,
    invoice: v.row.stripeInvoiceId,
    invoices: invoiceAmounts(v.row).map((i) => ({ ...i, settled: v.row.settledInvoices.includes(i.id) })),
    amount_owed: v.row.phase === 'closed' ? v.row.amountDue : amountOwed(v.row),
    currency: v.row.currency,
    opened_at: unixTime(v.row.openedAt)!,
    next_attempt_at: unixTime(v.row.nextAttemptAt),
    suspend_at: unixTime(v.row.suspendAt)!,
    final_at: unixTime(v.row.finalAt),
    closed_at: unixTime(v.row.closedAt),
    attempts_made: v.row.attemptsMade,
    attempts_total: total,
    ...(v.attempts
      ? {
          attempts: v.attempts.map((a) => ({
            object: 'dunning_attempt' as const,
            // numbers past the schedule's are the extra attempts (retry now, a card saved during dunning)
            number: a.number,
            scheduled: a.number <= total,
            invoice: a.stripeInvoiceId,
            payment_method: a.paymentMethod,
            outcome: a.status,
            decline_code: a.declineCode,
            advice_code: a.adviceCode,
            message: a.message,
            at: unixTime(a.at)!,
          })),
        }
      : {}),
  });
  const one = { params: caseParams, response: { 200: caseSchema, ...errorResponses } };
  const idOf = (raw: string) => {
    const id = fromPublicId('dunningCase', raw);
    if (!id) throw ApiError.notFound('dunning case', raw, 'case_id');
    return id;
  };
  const services = async () => ({ stripe: deps.services.stripe, jobs: await deps.services.jobs() });

  // GET /v1/billing/dunning — every tenant's dunning cases (open ones unless ?status=closed), newest first
  app.get(
    '/v1/billing/dunning',
    {
      config: { access: { platform: 'billing:read' } },
      schema: { tags, querystring: listQuery, response: { 200: listOf(caseSchema), ...errorResponses } },
    },
    async (req) => {
      const q = req.query;
      const page = await listCases(ctxOf(req, deps), {
        ...cursors('dunningCase', q),
        phase: q.phase,
        status: q.status,
      });
      return toApiList(page, '/v1/billing/dunning', toApi);
    },
  );

  // GET /v1/billing/dunning/:case_id — one case with its attempts
  app.get(
    '/v1/billing/dunning/:case_id',
    { config: { access: { platform: 'billing:read' } }, schema: { tags, ...one } },
    async (req) => {
      const raw = req.params.case_id;
      return toApi(await getCase(ctxOf(req, deps), idOf(raw), raw));
    },
  );

  // POST /v1/billing/dunning/:case_id/retry — an attempt now with every saved method
  app.post(
    '/v1/billing/dunning/:case_id/retry',
    { config: { access: { platform: 'billing:write' }, idempotency: 'required' }, schema: { tags, ...one } },
    async (req) => {
      const raw = req.params.case_id;
      return toApi(await retryCase(ctxOf(req, deps), await services(), idOf(raw), raw));
    },
  );

  // POST /v1/billing/dunning/:case_id/extend — the suspension (and what follows it) `days` later; a retried
  // request (its Idempotency-Key) extends once
  app.post(
    '/v1/billing/dunning/:case_id/extend',
    {
      config: { access: { platform: 'billing:write' }, idempotency: 'required' },
      schema: { tags, body: extendBody, ...one },
    },
    async (req) => {
      const raw = req.params.case_id;
      return toApi(await extendCase(ctxOf(req, deps), idOf(raw), raw, req.body));
    },
  );

  // POST /v1/billing/dunning/:case_id/mark_paid — the invoice paid outside Stripe
  app.post(
    '/v1/billing/dunning/:case_id/mark_paid',
    {
      config: { access: { platform: 'billing:write' }, idempotency: 'required' },
      schema: { tags, body: markPaidBody, ...one },
    },
    async (req) => {
      const raw = req.params.case_id;
      return toApi(await markCasePaid(ctxOf(req, deps), await services(), idOf(raw), raw, req.body));
    },
  );
};
