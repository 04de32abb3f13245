import { type RouteModule, scopeOf } from '../../http/routing.ts';
import { errorResponses, tenantParams } from '../../http/schemas.ts';
import { planChangeBody, tenantBillingSchema, toApiTenantBilling } from './schemas.ts';
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
      const view = await changeTenantPlan(scope, { stripe: deps.services.stripe }, req.body);
      return toApiTenantBilling(scope.publicId, view);
    },
  );
};
