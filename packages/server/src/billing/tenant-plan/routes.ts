import { retryKeyOf } from '../../http/idempotency.ts';
import { type RouteModule, scopeOf } from '../../http/routing.ts';
import { errorResponses, tenantParams } from '../../http/schemas.ts';
import { inTenant } from '../../scope/tenant.ts';
import { getEntitlements } from '../service.ts';
import { acceptQuote } from './accept.ts';
import { cancelAtPeriodEnd } from './cancel.ts';
import * as plans from './plans-read.ts';
import { createQuote, getQuote } from './quotes.ts';
import {
  acceptBody,
  planChangeBody,
  planChangeSchema,
  quoteBody,
  quoteParams,
  quoteSchema,
  tenantBillingSchema,
  toApiQuote,
  toApiTenantBilling,
} from './schemas.ts';
import { changeTenantPlan, getTenantBilling } from './service.ts';

export const tenantPlanRoutes: RouteModule = (app, deps) => {
  // GET /v1/tenants/:id/billing — the tenant's plan with the platform, its state and billing period
  app.get(
    '/v1/tenants/:id/billing',
    {
      config: { access: { tenant: 'billing:read' } },
      schema: {
        tags: ['billing'],
        params: tenantParams,
        response: { 200: tenantBillingSchema, ...errorResponses },
      },
    },
    async (req) => {
      const scope = scopeOf(req, deps);
      return toApiTenantBilling(scope.publicId, await getTenantBilling(scope));
    },
  );

  // POST /v1/tenants/:id/billing/plan — move the tenant to a plan (the platform only; it charges the tenant)
  app.post(
    '/v1/tenants/:id/billing/plan',
    {
      config: { access: { platform: 'billing:write' }, idempotency: 'required' },
      schema: {
        tags: ['billing'],
        params: tenantParams,
        body: planChangeBody,
        response: { 200: tenantBillingSchema, ...errorResponses },
      },
    },
    async (req) => {
      const scope = scopeOf(req, deps);
      const jobs = await deps.services.jobs();
      const view = await changeTenantPlan(scope, { stripe: deps.services.stripe, jobs }, req.body);
      return toApiTenantBilling(scope.publicId, view);
    },
  );

  // POST /v1/tenants/:id/billing/quotes — what a plan change costs now (Stripe's preview), binding 15 minutes
  app.post(
    '/v1/tenants/:id/billing/quotes',
    {
      config: { dunning: 'plan_change', access: { tenant: 'billing:write' } },
      schema: {
        tags: ['billing'],
        params: tenantParams,
        body: quoteBody,
        response: { 200: quoteSchema, ...errorResponses },
      },
    },
    async (req) => {
      const scope = scopeOf(req, deps);
      const q = await createQuote(scope, { stripe: deps.services.stripe }, req.body);
      const plan = await inTenant(scope, 'billing:write', (tx) => plans.planById(tx, q.planId));
      return toApiQuote(q, plan!);
    },
  );

  // GET /v1/tenants/:id/billing/quotes/:quote_id — a quote as it was made, and whether it was spent
  app.get(
    '/v1/tenants/:id/billing/quotes/:quote_id',
    {
      config: { access: { tenant: 'billing:read' } },
      schema: {
        tags: ['billing'],
        params: quoteParams,
        response: { 200: quoteSchema, ...errorResponses },
      },
    },
    async (req) => {
      const scope = scopeOf(req, deps);
      const q = await getQuote(scope, req.params.quote_id);
      const plan = await inTenant(scope, 'billing:read', (tx) => plans.planById(tx, q.planId));
      return toApiQuote(q, plan!);
    },
  );

  // POST /v1/tenants/:id/billing/subscription — accept a quote: the change it priced, or a 409/402
  app.post(
    '/v1/tenants/:id/billing/subscription',
    {
      config: { dunning: 'plan_change', access: { tenant: 'billing:write' }, idempotency: 'required' },
      schema: {
        tags: ['billing'],
        params: tenantParams,
        body: acceptBody,
        response: { 200: planChangeSchema, ...errorResponses },
      },
    },
    async (req) => {
      const scope = scopeOf(req, deps);
      const jobs = await deps.services.jobs();
      const r = await acceptQuote(
        scope,
        { stripe: deps.services.stripe, jobs },
        req.body.quote,
        retryKeyOf(req),
      );
      const inv = r.status === 'scheduled' ? null : r.invoice;
      return {
        object: 'plan_change' as const,
        quote: req.body.quote,
        status: r.status,
        url: r.status === 'requires_action' ? r.url : null,
        invoice: inv
          ? {
              id: inv.id!,
              amount_due: inv.amount_due,
              amount_paid: inv.amount_paid,
              currency: inv.currency,
              status: inv.status ?? null,
            }
          : null,
        billing: toApiTenantBilling(scope.publicId, r.view),
        entitlements:
          r.status === 'applied'
            ? ((await getEntitlements(scope)) as unknown as Record<string, unknown>)
            : null,
      };
    },
  );

  // POST /v1/tenants/:id/billing/subscription/cancel — cancel at the period's end (the plan stays until then)
  // POST /v1/tenants/:id/billing/subscription/resume — take that (or a scheduled change) back
  for (const [path, cancel] of [
    ['cancel', true],
    ['resume', false],
  ] as const) {
    app.post(
      `/v1/tenants/:id/billing/subscription/${path}`,
      {
        config: { dunning: 'allowed', access: { tenant: 'billing:write' }, idempotency: 'required' },
        schema: {
          tags: ['billing'],
          params: tenantParams,
          response: { 200: tenantBillingSchema, ...errorResponses },
        },
      },
      async (req) => {
        const scope = scopeOf(req, deps);
        return toApiTenantBilling(
          scope.publicId,
          await cancelAtPeriodEnd(scope, { stripe: deps.services.stripe }, cancel),
        );
      },
    );
  }
};
