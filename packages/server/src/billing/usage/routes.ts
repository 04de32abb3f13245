import { z } from 'zod';
import { listQuerySchema, toApiList } from '../../http/pagination.ts';
import { ctxOf, type RouteModule, scopeOf } from '../../http/routing.ts';
import { cursors, errorResponses, listOf, pathId, tenantParams } from '../../http/schemas.ts';
import { checkEntitlement, getEntitlements } from './entitlements.ts';
import { dismissNotice, listNotices, toApiNotice } from './notices.ts';
import {
  checkBody,
  checkResult,
  entitlementsSchema,
  noticeSchema,
  usageBatchBody,
  usageBatchResult,
  usageEventBody,
  usageEventResult,
} from './schemas.ts';
import { reportUsage, reportUsageBatch } from './service.ts';

export const usageRoutes: RouteModule = (app, deps) => {
  // POST /v1/tenants/:id/usage_events — one usage event of a custom metric (platform keys with usage:write)
  app.post(
    '/v1/tenants/:id/usage_events',
    {
      config: { access: { platform: 'usage:write' } },
      schema: {
        tags: ['billing'],
        params: tenantParams,
        body: usageEventBody,
        response: { 200: usageEventResult, ...errorResponses },
      },
    },
    async (req) => {
      const jobs = await deps.services.jobs();
      const scope = scopeOf(req, deps);
      const { outcome } = await reportUsage(scope, jobs, req.body);
      return {
        object: 'usage_event' as const,
        id: req.body.id,
        tenant: scope.publicId,
        metric: req.body.metric,
        quantity: req.body.quantity,
        timestamp: req.body.timestamp,
        status: outcome,
      };
    },
  );

  // POST /v1/usage_events/batch — up to 1,000 usage events over any tenants, a result for each
  app.post(
    '/v1/usage_events/batch',
    {
      config: { access: { platform: 'usage:write' } },
      schema: {
        tags: ['billing'],
        body: usageBatchBody,
        response: { 200: usageBatchResult, ...errorResponses },
      },
    },
    async (req) => {
      const jobs = await deps.services.jobs();
      const data = await reportUsageBatch(ctxOf(req, deps), jobs, req.body.events);
      const count = (s: string) => data.filter((r) => r.status === s).length;
      return {
        object: 'list' as const,
        data,
        recorded: count('recorded'),
        duplicates: count('duplicate'),
        errors: count('error'),
      };
    },
  );

  // GET /v1/tenants/:id/entitlements — plan, state, features and usage per metric this period
  app.get(
    '/v1/tenants/:id/entitlements',
    {
      // the entitlements read proves the tenant exists (its billing row, else its tenant row): one
      // transaction less on the platform's hot path
      config: { access: { tenant: 'billing:read', existence: 'route' } },
      schema: {
        tags: ['billing'],
        params: tenantParams,
        response: { 200: entitlementsSchema, ...errorResponses },
      },
    },
    async (req) => getEntitlements(scopeOf(req, deps)),
  );

  // POST /v1/tenants/:id/entitlements/check — may the tenant use `quantity` more of a metric, or a feature?
  app.post(
    '/v1/tenants/:id/entitlements/check',
    {
      config: { dunning: 'allowed', access: { tenant: 'billing:read' } },
      schema: {
        tags: ['billing'],
        params: tenantParams,
        body: checkBody,
        response: { 200: checkResult, ...errorResponses },
      },
    },
    async (req) => checkEntitlement(scopeOf(req, deps), req.body),
  );

  // GET /v1/tenants/:id/billing/alerts — the dashboard's notices (alerts that notified), newest first
  app.get(
    '/v1/tenants/:id/billing/alerts',
    {
      config: { access: { tenant: 'billing:read' } },
      schema: {
        tags: ['billing'],
        params: tenantParams,
        querystring: listQuerySchema,
        response: { 200: listOf(noticeSchema), ...errorResponses },
      },
    },
    async (req) => {
      const page = await listNotices(scopeOf(req, deps), cursors('usageAlert', req.query));
      return toApiList(page, `/v1/tenants/${req.params.id}/billing/alerts`, (a) =>
        toApiNotice(a, page.currencies),
      );
    },
  );

  // POST /v1/tenants/:id/billing/alerts/:alert_id/dismiss — hide a notice (idempotent, audited)
  app.post(
    '/v1/tenants/:id/billing/alerts/:alert_id/dismiss',
    {
      config: { dunning: 'allowed', access: { tenant: 'billing:write' } },
      schema: {
        tags: ['billing'],
        params: z.strictObject({ id: pathId, alert_id: pathId }),
        response: { 200: noticeSchema, ...errorResponses },
      },
    },
    async (req) => dismissNotice(scopeOf(req, deps), req.params.alert_id),
  );
};
