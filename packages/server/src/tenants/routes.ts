import { z } from 'zod';
import { createDashboardLink } from '../auth/service.ts';
import { recordSeats } from '../billing/service.ts';
import { listQuerySchema, toApiList } from '../http/pagination.ts';
import { ctxOf, type RouteModule, scopeOf } from '../http/routing.ts';
import {
  cursors,
  errorResponses,
  listOf,
  pathId,
  roleSchema,
  shownOnce,
  tenantParams,
  unixTime,
} from '../http/schemas.ts';
import { readScopes } from '../scope/scopes.ts';
import {
  createTenantBody,
  memberSchema,
  tenantSchema,
  toApiMember,
  toApiTenant,
  updateTenantBody,
} from './schemas.ts';
import * as tenants from './service.ts';

const memberParams = z.strictObject({ id: pathId, user_id: pathId });

export const dashboardLinkSchema = z
  .object({
    object: z.literal('dashboard_link'),
    url: shownOnce,
    expires_at: z.number().int(),
    // the e-mail as given: no id or name, so the answer never tells whether the account already existed
    email: z.string(),
    role: roleSchema,
  })
  .meta({ id: 'DashboardLink' });

export const tenantRoutes: RouteModule = (app, deps) => {
  // GET /v1/tenants — the operator and platform keys see all tenants; others their own
  app.get(
    '/v1/tenants',
    {
      config: { access: { ownTenants: 'tenants:read' } },
      schema: {
        tags: ['tenants'],
        querystring: listQuerySchema,
        response: { 200: listOf(tenantSchema), ...errorResponses },
      },
    },
    async (req) => {
      const page = await tenants.listTenants(ctxOf(req, deps), cursors('tenant', req.query));
      return toApiList(page, '/v1/tenants', toApiTenant);
    },
  );

  // POST /v1/tenants — create a tenant (platform only)
  app.post(
    '/v1/tenants',
    {
      config: { access: { platform: 'tenants:write' } },
      schema: {
        tags: ['tenants'],
        body: createTenantBody,
        response: { 200: tenantSchema, ...errorResponses },
      },
    },
    async (req) => {
      const row = await tenants.createTenant(ctxOf(req, deps), {
        name: req.body.name,
        externalId: req.body.external_id,
        metadata: req.body.metadata,
      });
      return toApiTenant(row);
    },
  );

  // GET /v1/tenants/:id
  app.get(
    '/v1/tenants/:id',
    {
      config: { access: { tenant: 'tenants:read' } },
      schema: { tags: ['tenants'], params: tenantParams, response: { 200: tenantSchema, ...errorResponses } },
    },
    async (req) => {
      return toApiTenant(await tenants.getTenant(scopeOf(req, deps)));
    },
  );

  // POST /v1/tenants/:id — update name, metadata, settings (owner/admin)
  app.post(
    '/v1/tenants/:id',
    {
      config: { dunning: 'allowed', access: { tenant: 'tenants:write' } },
      schema: {
        tags: ['tenants'],
        params: tenantParams,
        body: updateTenantBody,
        response: { 200: tenantSchema, ...errorResponses },
      },
    },
    async (req) => {
      return toApiTenant(await tenants.updateTenant(scopeOf(req, deps), req.body));
    },
  );

  // GET /v1/tenants/:id/members
  app.get(
    '/v1/tenants/:id/members',
    {
      config: { access: { tenant: 'members:read' } },
      schema: {
        tags: ['team'],
        params: tenantParams,
        response: { 200: listOf(memberSchema), ...errorResponses },
      },
    },
    async (req) => {
      const rows = await tenants.listMembers(scopeOf(req, deps));
      return toApiList({ data: rows, hasMore: false }, `/v1/tenants/${req.params.id}/members`, toApiMember);
    },
  );

  // POST /v1/tenants/:id/members/:user_id — change a member's role
  app.post(
    '/v1/tenants/:id/members/:user_id',
    {
      config: { dunning: 'allowed', access: { tenant: 'members:write' } },
      schema: {
        tags: ['team'],
        params: memberParams,
        body: z.strictObject({ role: roleSchema }),
        response: { 200: memberSchema, ...errorResponses },
      },
    },
    async (req) => {
      const row = await tenants.changeRole(scopeOf(req, deps), {
        user: req.params.user_id,
        role: req.body.role,
      });
      return toApiMember(row);
    },
  );

  // DELETE /v1/tenants/:id/members/:user_id — remove a member (never the last owner)
  app.delete(
    '/v1/tenants/:id/members/:user_id',
    {
      config: { dunning: 'allowed', access: { tenant: 'members:write' } },
      schema: {
        tags: ['team'],
        params: memberParams,
        response: {
          200: z.object({ object: z.literal('member'), user_id: z.string(), deleted: z.literal(true) }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const jobs = await deps.services.jobs();
      const scope = scopeOf(req, deps);
      await tenants.removeMember(scope, req.params.user_id, (tx) =>
        recordSeats(tx, { config: deps.config, jobs }, scope.tenantId),
      );
      return { object: 'member' as const, user_id: req.params.user_id, deleted: true as const };
    },
  );

  // POST /v1/tenants/:id/dashboard_links — single-use sign-in URL for one of the platform's users
  app.post(
    '/v1/tenants/:id/dashboard_links',
    {
      // every link grants at least a member's powers, which read everything (the role may ask more)
      config: {
        dunning: 'growth',
        access: { tenant: 'members:write', also: readScopes },
        secretFields: ['url'],
      },
      schema: {
        tags: ['team'],
        params: tenantParams,
        body: z.strictObject({
          email: z.email().max(254),
          name: z.string().trim().min(1).max(200).optional(),
          role: roleSchema.optional(),
        }),
        response: { 200: dashboardLinkSchema, ...errorResponses },
      },
    },
    async (req) => {
      const link = await createDashboardLink(scopeOf(req, deps), req.body);
      return {
        object: 'dashboard_link' as const,
        url: link.url,
        expires_at: unixTime(link.expiresAt)!,
        email: link.email,
        role: link.role,
      };
    },
  );
};
