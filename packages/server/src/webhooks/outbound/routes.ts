import { z } from 'zod';
import { toPublicId } from '../../http/ids.ts';
import { listQuerySchema, toApiList } from '../../http/pagination.ts';
import { ctxOf, type RouteModule } from '../../http/routing.ts';
import { cursors, errorResponses, listOf, pathId, shownOnce, unixTime } from '../../http/schemas.ts';
import { isOutboundEventType, outboundEventTypes } from './event-types.ts';
import * as svc from './service.ts';

const endpointSchema = z
  .object({
    id: z.string(),
    object: z.literal('webhook_endpoint'),
    url: z.string(),
    description: z.string().nullable(),
    enabled_events: z.array(z.string()),
    status: z.enum(['enabled', 'disabled']),
    disabled_reason: z.string().nullable(),
    failing_since: z.number().nullable(),
    created: z.number(),
  })
  .meta({ id: 'WebhookEndpoint' });
/** When created or rotated: the signing secret, shown in that answer only. */
const endpointWithSecretSchema = endpointSchema
  .extend({ secret: shownOnce })
  .meta({ id: 'WebhookEndpointWithSecret' });

const attemptSchema = z
  .object({
    id: z.string(),
    object: z.literal('webhook_attempt'),
    attempt: z.number(),
    response_status: z.number().nullable(),
    error: z.string().nullable(),
    duration_ms: z.number(),
    created: z.number(),
  })
  .meta({ id: 'WebhookAttempt' });

function toApi(row: svc.EndpointRow): z.infer<typeof endpointSchema> {
  return {
    id: toPublicId('webhookEndpoint', row.id),
    object: 'webhook_endpoint',
    url: row.url,
    description: row.description,
    enabled_events: row.enabledEvents,
    status: row.status,
    disabled_reason: row.disabledReason,
    failing_since: unixTime(row.failingSince),
    created: unixTime(row.createdAt)!,
  };
}
const withSecret = (row: svc.EndpointRow) => ({ ...toApi(row), secret: row.secret });

/** Types Tributary emits (event-types.ts), or `*` for all; anything else would never be delivered. */
const eventType = z
  .string()
  .min(1)
  .max(100)
  .superRefine((t, ctx) => {
    if (t === '*' || isOutboundEventType(t)) return;
    ctx.addIssue({
      code: 'custom',
      message: `'${t}' is not an event type Tributary sends; use '*' or one of: ${outboundEventTypes.join(', ')}`,
      params: { apiCode: 'event_type_unknown' },
    });
  });
const eventTypes = z.array(eventType).max(100);
const createBody = z.strictObject({
  url: z.url().max(2048),
  enabled_events: eventTypes.optional(),
  description: z.string().max(500).nullable().optional(),
});
const updateBody = z.strictObject({
  url: z.url().max(2048).optional(),
  enabled_events: eventTypes.optional(),
  description: z.string().max(500).nullable().optional(),
  disabled: z.boolean().optional(),
});
const params = z.strictObject({ endpoint_id: pathId });

export const endpointRoutes: RouteModule = (app, deps) => {
  const tags = ['webhook endpoints'];
  // GET /v1/webhook_endpoints — the platform app's outbound endpoints
  app.get(
    '/v1/webhook_endpoints',
    {
      config: { access: { platform: 'webhook_endpoints:read' } },
      schema: {
        tags,
        querystring: listQuerySchema,
        response: { 200: listOf(endpointSchema), ...errorResponses },
      },
    },
    async (req) => {
      const page = await svc.listEndpoints(ctxOf(req, deps), cursors('webhookEndpoint', req.query));
      return toApiList(page, '/v1/webhook_endpoints', (r) => toApi(r));
    },
  );

  // POST /v1/webhook_endpoints — register an endpoint; its signing secret is returned this once
  app.post(
    '/v1/webhook_endpoints',
    {
      config: { access: { platform: 'webhook_endpoints:write' }, secretFields: ['secret'] },
      schema: { tags, body: createBody, response: { 200: endpointWithSecretSchema, ...errorResponses } },
    },
    async (req) => withSecret(await svc.createEndpoint(ctxOf(req, deps), req.body)),
  );

  // GET /v1/webhook_endpoints/:endpoint_id
  app.get(
    '/v1/webhook_endpoints/:endpoint_id',
    {
      config: { access: { platform: 'webhook_endpoints:read' } },
      schema: { tags, params, response: { 200: endpointSchema, ...errorResponses } },
    },
    async (req) => toApi(await svc.getEndpoint(ctxOf(req, deps), req.params.endpoint_id)),
  );

  // POST /v1/webhook_endpoints/:endpoint_id — change url/events, disable or re-enable
  app.post(
    '/v1/webhook_endpoints/:endpoint_id',
    {
      config: { access: { platform: 'webhook_endpoints:write' } },
      schema: { tags, params, body: updateBody, response: { 200: endpointSchema, ...errorResponses } },
    },
    async (req) => toApi(await svc.updateEndpoint(ctxOf(req, deps), req.params.endpoint_id, req.body)),
  );

  // DELETE /v1/webhook_endpoints/:endpoint_id
  app.delete(
    '/v1/webhook_endpoints/:endpoint_id',
    {
      config: { access: { platform: 'webhook_endpoints:write' } },
      schema: { tags, params, response: { 200: endpointSchema, ...errorResponses } },
    },
    async (req) => toApi(await svc.deleteEndpoint(ctxOf(req, deps), req.params.endpoint_id)),
  );

  // POST /v1/webhook_endpoints/:endpoint_id/rotate_secret — new secret; the old one signs too for a grace period
  app.post(
    '/v1/webhook_endpoints/:endpoint_id/rotate_secret',
    {
      config: { access: { platform: 'webhook_endpoints:write' }, secretFields: ['secret'] },
      schema: { tags, params, response: { 200: endpointWithSecretSchema, ...errorResponses } },
    },
    async (req) => withSecret(await svc.rotateSecret(ctxOf(req, deps), req.params.endpoint_id)),
  );

  // POST /v1/webhook_endpoints/:endpoint_id/resend_failed — deliveries that gave up are sent again
  app.post(
    '/v1/webhook_endpoints/:endpoint_id/resend_failed',
    {
      config: { access: { platform: 'webhook_endpoints:write' } },
      schema: {
        tags,
        params,
        response: {
          200: z.object({ object: z.literal('resend'), deliveries: z.number().int() }),
          ...errorResponses,
        },
      },
    },
    async (req) => ({
      object: 'resend' as const,
      deliveries: await svc.resendFailed(
        ctxOf(req, deps),
        await deps.services.jobs(),
        req.params.endpoint_id,
      ),
    }),
  );

  // GET /v1/webhook_endpoints/:endpoint_id/attempts — recent delivery attempts, newest first
  app.get(
    '/v1/webhook_endpoints/:endpoint_id/attempts',
    {
      config: { access: { platform: 'webhook_endpoints:read' } },
      schema: {
        tags,
        params,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
        response: { 200: listOf(attemptSchema), ...errorResponses },
      },
    },
    async (req) => {
      const { data, hasMore } = await svc.listAttempts(
        ctxOf(req, deps),
        req.params.endpoint_id,
        req.query.limit,
      );
      return {
        object: 'list' as const,
        has_more: hasMore,
        url: `/v1/webhook_endpoints/${req.params.endpoint_id}/attempts`,
        data: data.map((a) => ({
          id: toPublicId('outboundAttempt', a.id),
          object: 'webhook_attempt' as const,
          attempt: a.attempt,
          response_status: a.responseStatus,
          error: a.error,
          duration_ms: a.durationMs,
          created: unixTime(a.createdAt)!,
        })),
      };
    },
  );
};
