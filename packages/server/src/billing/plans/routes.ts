import { z } from 'zod';
import { toPublicId } from '../../http/ids.ts';
import { listQuerySchema, type Page, toApiList } from '../../http/pagination.ts';
import { ctxOf, type RouteModule, scopeOf } from '../../http/routing.ts';
import { cursors, errorResponses, pathId, tenantParams, unixTime } from '../../http/schemas.ts';
import { migratePlan } from './migrate.ts';
import type { PlanFull } from './repo.ts';
import {
  migrationSchema,
  planCreateBody,
  planListQuery,
  planMigrateBody,
  planSchema,
  planUpdateBody,
  previewSchema,
  rateSchema,
  ratesBody,
  toApiPlan,
} from './schemas.ts';
import * as plans from './service.ts';
import { previewPlan } from './subscribers.ts';

// The platform's plans catalogue: the operator's routes under /v1/billing, and the plans a tenant may
// choose (docs/platform-billing.md, "Plans").

const planParams = z.strictObject({ plan_id: pathId });
const plansList = z.object({
  object: z.literal('list'),
  data: z.array(planSchema),
  has_more: z.boolean(),
  url: z.string(),
});
const ratesList = z.object({
  object: z.literal('list'),
  data: z.array(rateSchema),
  has_more: z.boolean(),
  url: z.string(),
});
const tags = ['billing'];

const listOfPlans = (page: Page<PlanFull>, url: string, current = false) =>
  toApiList(page, url, (f) => toApiPlan(f, { current }));

export const planRoutes: RouteModule = (app, deps) => {
  const pdeps = { stripe: deps.services.stripe };
  const one = { params: planParams, response: { 200: planSchema, ...errorResponses } };

  // GET /v1/billing/plans — every plan (archived ones with ?archived=true; all with no filter)
  app.get(
    '/v1/billing/plans',
    {
      config: { access: { platform: 'billing:read' } },
      schema: { tags, querystring: planListQuery, response: { 200: plansList, ...errorResponses } },
    },
    async (req) => {
      const q = req.query;
      const archived = q.archived === undefined ? undefined : q.archived === 'true';
      const page = await plans.listPlans(ctxOf(req, deps), { archived, ...cursors('plan', q) });
      return listOfPlans(page, '/v1/billing/plans');
    },
  );

  // POST /v1/billing/plans — create a plan with its prices, limits and features (and its Stripe objects)
  app.post(
    '/v1/billing/plans',
    {
      config: { access: { platform: 'billing:write' } },
      schema: { tags, body: planCreateBody, response: { 200: planSchema, ...errorResponses } },
    },
    async (req) => toApiPlan(await plans.createPlan(ctxOf(req, deps), pdeps, req.body)),
  );

  // GET /v1/billing/plans/:plan_id — one plan, every price it had
  app.get(
    '/v1/billing/plans/:plan_id',
    { config: { access: { platform: 'billing:read' } }, schema: { tags, ...one } },
    async (req) => toApiPlan(await plans.getPlan(ctxOf(req, deps), req.params.plan_id)),
  );

  // POST /v1/billing/plans/:plan_id — update (a new amount is a new price; subscribers keep theirs)
  app.post(
    '/v1/billing/plans/:plan_id',
    { config: { access: { platform: 'billing:write' } }, schema: { tags, ...one, body: planUpdateBody } },
    async (req) => toApiPlan(await plans.updatePlan(ctxOf(req, deps), pdeps, req.params.plan_id, req.body)),
  );

  // POST /v1/billing/plans/:plan_id/preview — what an update would change for the plan's tenants, unsaved
  app.post(
    '/v1/billing/plans/:plan_id/preview',
    {
      config: { access: { platform: 'billing:read' } },
      schema: {
        tags,
        params: planParams,
        body: planUpdateBody,
        response: { 200: previewSchema, ...errorResponses },
      },
    },
    async (req) => previewPlan(ctxOf(req, deps), req.params.plan_id, req.body),
  );

  // POST /v1/billing/plans/:plan_id/archive — no new subscribers; existing ones stay
  app.post(
    '/v1/billing/plans/:plan_id/archive',
    { config: { access: { platform: 'billing:write' } }, schema: { tags, ...one } },
    async (req) => toApiPlan(await plans.archivePlan(ctxOf(req, deps), pdeps, req.params.plan_id)),
  );

  // POST /v1/billing/plans/:plan_id/migrate — tenants on superseded prices move to the current one at renewal
  app.post(
    '/v1/billing/plans/:plan_id/migrate',
    {
      config: { access: { platform: 'billing:write' } },
      schema: {
        tags,
        params: planParams,
        body: planMigrateBody,
        response: { 200: migrationSchema, ...errorResponses },
      },
    },
    async (req) => {
      const r = await migratePlan(ctxOf(req, deps), pdeps, req.params.plan_id, req.body);
      return {
        object: 'plan_migration' as const,
        plan: toPublicId('plan', r.planId),
        currency: r.currency,
        interval: r.interval,
        unit_amount: r.unitAmount,
        migrated: r.migrated,
        failed: r.failed,
      };
    },
  );

  const rates = (rows: Awaited<ReturnType<typeof plans.listRates>>) => ({
    object: 'list' as const,
    data: rows.map((r) => ({ from: r.from, to: r.to, rate: r.rate, updated: unixTime(r.updatedAt)! })),
    has_more: false,
    url: '/v1/billing/currency_rates',
  });

  // GET /v1/billing/currency_rates — the operator's exchange rates for counting payment volume
  app.get(
    '/v1/billing/currency_rates',
    {
      config: { access: { platform: 'billing:read' } },
      schema: { tags, response: { 200: ratesList, ...errorResponses } },
    },
    async (req) => rates(await plans.listRates(ctxOf(req, deps))),
  );

  // POST /v1/billing/currency_rates — replace the exchange rates with the ones given
  app.post(
    '/v1/billing/currency_rates',
    {
      config: { access: { platform: 'billing:write' } },
      schema: { tags, body: ratesBody, response: { 200: ratesList, ...errorResponses } },
    },
    async (req) => rates(await plans.setRates(ctxOf(req, deps), req.body.rates)),
  );

  // GET /v1/tenants/:id/billing/plans — the plans the tenant may choose (public, not archived)
  app.get(
    '/v1/tenants/:id/billing/plans',
    {
      config: { access: { tenant: 'billing:read' } },
      schema: {
        tags,
        params: tenantParams,
        querystring: listQuerySchema,
        response: { 200: plansList, ...errorResponses },
      },
    },
    async (req) =>
      listOfPlans(
        await plans.plansForTenant(scopeOf(req, deps), cursors('plan', req.query)),
        `/v1/tenants/${req.params.id}/billing/plans`,
        true,
      ),
  );
};
