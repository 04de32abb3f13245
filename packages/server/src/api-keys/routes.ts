import { z } from 'zod';
import { listQuerySchema, toApiList } from '../http/pagination.ts';
import { ctxOf, type RouteModule, scopeOf } from '../http/routing.ts';
import { cursors, errorResponses, listOf, pathId, tenantParams } from '../http/schemas.ts';
import { offeredScopes } from '../scope/scopes.ts';
import { apiKeySchema, createApiKeyBody, newApiKeySchema, toApiKey } from './schemas.ts';
import * as keys from './service.ts';

const keyParams = z.strictObject({ id: pathId, key_id: pathId });

export const apiKeyRoutes: RouteModule = (app, deps) => {
  // GET /v1/api_key_scopes — every scope a restricted key is offered (each gates some route)
  app.get(
    '/v1/api_key_scopes',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['api keys'],
        description:
          "Every scope a restricted key is offered (each gates some route); a `write` scope implies its `read`. A credential never grants more than it holds: a restricted key creates only restricted keys with a subset of its scopes, never a secret key; it creates a dashboard link, or raises a member's role, only for a role whose permissions it holds all of (`support`: `support:read`, `tenants:read` and the reads of customers, payments, refunds, disputes, invoices, subscriptions and events — a dashboard link also asks every `:read` scope; `member`: every `:read` scope; `admin`: every scope but `connect:manage`) and never `owner`. A secret key acts as an owner: only owners, secret keys and the platform create one, and only they grant `connect:manage` (disconnect or replace the Stripe account, edit its payout details), which implies `connect:write`.",
        response: { 200: listOf(z.string()) },
      },
    },
    async () => ({
      object: 'list' as const,
      data: offeredScopes,
      has_more: false,
      url: '/v1/api_key_scopes',
    }),
  );

  // GET /v1/tenants/:id/api_keys
  app.get(
    '/v1/tenants/:id/api_keys',
    {
      config: { access: { tenant: 'api_keys:read' } },
      schema: {
        tags: ['api keys'],
        params: tenantParams,
        querystring: listQuerySchema,
        response: { 200: listOf(apiKeySchema), ...errorResponses },
      },
    },
    async (req) => {
      const page = await keys.listTenantKeys(scopeOf(req, deps), cursors('apiKey', req.query));
      return toApiList(page, `/v1/tenants/${req.params.id}/api_keys`, toApiKey);
    },
  );

  // POST /v1/tenants/:id/api_keys — the full key is in `secret`, returned this once only
  app.post(
    '/v1/tenants/:id/api_keys',
    {
      config: { dunning: 'growth', access: { tenant: 'api_keys:write' }, secretFields: ['secret'] },
      schema: {
        tags: ['api keys'],
        params: tenantParams,
        body: createApiKeyBody,
        response: { 200: newApiKeySchema, ...errorResponses },
      },
    },
    async (req) => {
      const { row, secret } = await keys.createTenantKey(scopeOf(req, deps), req.body);
      return { ...toApiKey(row), secret };
    },
  );

  // DELETE /v1/tenants/:id/api_keys/:key_id — revoke
  app.delete(
    '/v1/tenants/:id/api_keys/:key_id',
    {
      config: { dunning: 'allowed', access: { tenant: 'api_keys:write' } },
      schema: { tags: ['api keys'], params: keyParams, response: { 200: apiKeySchema, ...errorResponses } },
    },
    async (req) => {
      return toApiKey(await keys.revokeTenantKey(scopeOf(req, deps), req.params.key_id));
    },
  );

  // GET /v1/api_keys — platform keys (operator / platform key)
  app.get(
    '/v1/api_keys',
    {
      config: { access: { platform: 'api_keys:read' } },
      schema: {
        tags: ['api keys'],
        querystring: listQuerySchema,
        response: { 200: listOf(apiKeySchema), ...errorResponses },
      },
    },
    async (req) => {
      const page = await keys.listPlatformKeys(ctxOf(req, deps), cursors('apiKey', req.query));
      return toApiList(page, '/v1/api_keys', toApiKey);
    },
  );

  // POST /v1/api_keys — create a platform key
  app.post(
    '/v1/api_keys',
    {
      config: { access: { platform: 'api_keys:write', secretOnly: true }, secretFields: ['secret'] },
      schema: {
        tags: ['api keys'],
        body: createApiKeyBody,
        response: { 200: newApiKeySchema, ...errorResponses },
      },
    },
    async (req) => {
      const { row, secret } = await keys.createPlatformKey(ctxOf(req, deps), req.body);
      return { ...toApiKey(row), secret };
    },
  );

  // DELETE /v1/api_keys/:key_id — revoke a platform key
  app.delete(
    '/v1/api_keys/:key_id',
    {
      config: { access: { platform: 'api_keys:write', secretOnly: true } },
      schema: {
        tags: ['api keys'],
        params: z.strictObject({ key_id: pathId }),
        response: { 200: apiKeySchema, ...errorResponses },
      },
    },
    async (req) => {
      return toApiKey(await keys.revokePlatformKey(ctxOf(req, deps), req.params.key_id));
    },
  );
};
