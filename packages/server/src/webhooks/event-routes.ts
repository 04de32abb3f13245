import { z } from 'zod';
import { stripeEventStatuses } from '../db/schema/index.ts';
import { parsePathId, toPublicId } from '../http/ids.ts';
import { listQuerySchema, toApiList } from '../http/pagination.ts';
import { ctxOf, type RouteModule, scopeOf } from '../http/routing.ts';
import { errorResponses, listOf, pathId, unixTime, unixTimestampQuery } from '../http/schemas.ts';
import * as events from './events-service.ts';
import { payloadForm } from './stored-payload.ts';

export const stripeEventSchema = z
  .object({
    id: z.string(),
    object: z.literal('stripe_event'),
    type: z.string(),
    account: z.string().nullable(),
    tenant: z.string().nullable(),
    source: z.string(),
    kind: z.string(),
    unknown_account: z.boolean(),
    livemode: z.boolean(),
    created: z.number(),
    api_version: z.string().nullable(),
    received_at: z.number(),
    status: z.enum(stripeEventStatuses),
    attempts: z.number(),
    last_error: z.string().nullable(),
    processed_at: z.number().nullable(),
    payload: z.record(z.string(), z.unknown()).optional(),
    /**
     * detail routes: how `payload` relates to the body Stripe signed — as delivered, sanitized (a NUL or an
     * unpaired surrogate jsonb cannot hold, written out) or a summary (nested too deep to store; the object
     * is refetched) — and the size of the exact signed body kept for the last two
     */
    payload_form: z.enum(['delivered', 'sanitized', 'summary']).optional(),
    raw_body_size: z.number().nullable().optional(),
    /** each processing attempt, oldest first (only on the detail routes) */
    attempt_history: z
      .array(
        z.object({
          attempt: z.number(),
          outcome: z.enum(stripeEventStatuses),
          error: z.string().nullable(),
          started_at: z.number(),
          duration_ms: z.number(),
        }),
      )
      .optional(),
  })
  .meta({ id: 'Event' });
export type ApiStripeEvent = z.infer<typeof stripeEventSchema>;

export function toApiEvent(
  row: events.StripeEventRow & { attemptHistory?: events.StripeEventAttemptRow[] },
  withPayload = false,
): ApiStripeEvent {
  return {
    id: row.id,
    object: 'stripe_event',
    type: row.type,
    account: row.account,
    tenant: row.tenantId ? toPublicId('tenant', row.tenantId) : null,
    source: row.source,
    kind: row.kind,
    unknown_account: row.unknownAccount,
    livemode: row.livemode,
    created: unixTime(row.created)!,
    api_version: row.apiVersion,
    received_at: unixTime(row.receivedAt)!,
    status: row.status,
    attempts: row.attempts,
    last_error: row.lastError,
    processed_at: unixTime(row.processedAt),
    ...(withPayload
      ? {
          payload: row.payload,
          payload_form: payloadForm(row),
          raw_body_size: row.rawBody ? row.rawBody.length : null,
        }
      : {}),
    ...(row.attemptHistory
      ? {
          attempt_history: row.attemptHistory.map((a) => ({
            attempt: a.attempt,
            outcome: a.outcome,
            error: a.error,
            started_at: unixTime(a.startedAt)!,
            duration_ms: a.durationMs,
          })),
        }
      : {}),
  };
}

const filterQuery = listQuerySchema.extend({
  type: z.string().min(1).max(200).optional(),
  status: z.enum(stripeEventStatuses).optional(),
  tenant: z.string().max(100).optional(),
  'created[gte]': unixTimestampQuery.optional(),
  'created[lte]': unixTimestampQuery.optional(),
});

function filterOf(q: z.infer<typeof filterQuery>): events.EventFilter {
  return {
    type: q.type,
    status: q.status,
    tenantId: q.tenant ? parsePathId('tenant', q.tenant) : undefined,
    since: q['created[gte]'] !== undefined ? new Date(q['created[gte]'] * 1000) : undefined,
    until: q['created[lte]'] !== undefined ? new Date(q['created[lte]'] * 1000) : undefined,
  };
}

const cursorsOf = (q: z.infer<typeof listQuerySchema>) => ({
  limit: q.limit,
  startingAfter: q.starting_after ?? null,
  endingBefore: q.ending_before ?? null,
});

const eventParams = z.strictObject({ event_id: pathId });
const stats = z.object({
  object: z.literal('stripe_event_stats'),
  pending: z.number(),
  processed: z.number(),
  failed: z.number(),
  dead: z.number(),
  ignored: z.number(),
});

export const eventRoutes: RouteModule = (app, deps) => {
  // GET /v1/events — every tenant's Stripe events, filterable (operator / platform key)
  app.get(
    '/v1/events',
    {
      config: { access: { platform: 'events:read' } },
      schema: {
        tags: ['events'],
        querystring: filterQuery,
        response: { 200: listOf(stripeEventSchema), ...errorResponses },
      },
    },
    async (req) => {
      const page = await events.listEvents(ctxOf(req, deps), filterOf(req.query), cursorsOf(req.query));
      return toApiList(page, '/v1/events', (r) => toApiEvent(r));
    },
  );

  // GET /v1/events/stats — counts by status (dead-letter count for the overview)
  app.get(
    '/v1/events/stats',
    {
      config: { access: { platform: 'events:read' } },
      schema: { tags: ['events'], response: { 200: stats, ...errorResponses } },
    },
    async (req) => ({
      object: 'stripe_event_stats' as const,
      ...(await events.eventStats(ctxOf(req, deps))),
    }),
  );

  // GET /v1/events/:event_id — one event with its payload and attempts
  app.get(
    '/v1/events/:event_id',
    {
      config: { access: { platform: 'events:read' } },
      schema: {
        tags: ['events'],
        params: eventParams,
        response: { 200: stripeEventSchema, ...errorResponses },
      },
    },
    async (req) =>
      toApiEvent(await events.getEvent(ctxOf(req, deps), events.stripeEventId(req.params.event_id)), true),
  );

  // POST /v1/events/:event_id/replay — process the event again (handlers are idempotent and guarded)
  app.post(
    '/v1/events/:event_id/replay',
    {
      config: { access: { platform: 'events:write' } },
      schema: {
        tags: ['events'],
        params: eventParams,
        response: { 200: stripeEventSchema, ...errorResponses },
      },
    },
    async (req) => {
      const ctx = ctxOf(req, deps);
      const id = events.stripeEventId(req.params.event_id);
      return toApiEvent(await events.replayEvent(ctx, await deps.services.jobs(), id), true);
    },
  );

  // GET /v1/tenants/:id/events — the tenant's own events
  app.get(
    '/v1/tenants/:id/events',
    {
      config: { access: { tenant: 'events:read' } },
      schema: {
        tags: ['events'],
        params: z.strictObject({ id: pathId }),
        querystring: filterQuery.omit({ tenant: true }),
        response: { 200: listOf(stripeEventSchema), ...errorResponses },
      },
    },
    async (req) => {
      const page = await events.listTenantEvents(
        scopeOf(req, deps),
        filterOf(req.query),
        cursorsOf(req.query),
      );
      return toApiList(page, `/v1/tenants/${req.params.id}/events`, (r) => toApiEvent(r));
    },
  );

  // GET /v1/tenants/:id/events/:event_id — one of the tenant's events with its payload
  app.get(
    '/v1/tenants/:id/events/:event_id',
    {
      config: { access: { tenant: 'events:read' } },
      schema: {
        tags: ['events'],
        params: z.strictObject({ id: pathId, event_id: pathId }),
        response: { 200: stripeEventSchema, ...errorResponses },
      },
    },
    async (req) => {
      const row = await events.getTenantEvent(scopeOf(req, deps), req.params.event_id);
      return toApiEvent(row, true);
    },
  );
};
