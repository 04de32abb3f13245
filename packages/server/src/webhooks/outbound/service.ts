import { and, desc, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../../context.ts';
import { outboundAttempts, outboundDeliveries, webhookEndpoints } from '../../db/schema/index.ts';
import { withSystem } from '../../db/tenant.ts';
import { ApiError } from '../../http/errors.ts';
import { parsePathId } from '../../http/ids.ts';
import { type Page, paginate } from '../../http/pagination.ts';
import type { Jobs } from '../../jobs/boss.ts';
import { requirePlatformScope } from '../../scope/actor.ts';
import { insertAudit } from '../../scope/audit.ts';
import { OUTBOUND_DELIVER_QUEUE } from './emit.ts';
import { liveSecrets, newEndpointSecret } from './signing.ts';

export type EndpointRow = typeof webhookEndpoints.$inferSelect;
export type AttemptRow = typeof outboundAttempts.$inferSelect;
type ListQ = { limit: number; startingAfter?: string | null; endingBefore?: string | null };

export interface EndpointInput {
  url: string;
  enabled_events?: string[];
  description?: string | null;
}

function checkUrl(url: string, config: Ctx['config']): void {
  const u = new URL(url);
  // plain http only for local development and tests
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && config.NODE_ENV !== 'production')) {
    throw new ApiError(
      'parameter_invalid',
      config.NODE_ENV === 'production'
        ? 'Endpoint URLs must use https:// (plain http:// is accepted only outside production).'
        : 'Endpoint URLs must use https:// (or http:// outside production).',
      { param: 'url' },
    );
  }
}

const system = <T>(ctx: Ctx, access: 'read' | 'write', fn: Parameters<typeof withSystem<T>>[2]) => {
  requirePlatformScope(ctx.actor, `webhook_endpoints:${access}`);
  return withSystem(ctx.db, 'webhooks.endpoints', fn);
};

export function createEndpoint(ctx: Ctx, input: EndpointInput): Promise<EndpointRow> {
  checkUrl(input.url, ctx.config);
  return system(ctx, 'write', async (tx) => {
    const [row] = await tx
      .insert(webhookEndpoints)
      .values({
        url: input.url,
        enabledEvents: input.enabled_events?.length ? input.enabled_events : ['*'],
        description: input.description ?? null,
        secret: newEndpointSecret(),
      })
      .returning();
    await insertAudit(tx, ctx.actor, ctx.requestId, {
      tenantId: null,
      action: 'webhook_endpoint.created',
      target: { kind: 'webhookEndpoint', id: row!.id },
      data: { url: input.url },
    });
    return row!;
  });
}

export function listEndpoints(ctx: Ctx, q: ListQ): Promise<Page<EndpointRow>> {
  return system(ctx, 'read', (tx) =>
    paginate<EndpointRow>(
      tx,
      { table: webhookEndpoints, id: webhookEndpoints.id, created: webhookEndpoints.createdAt },
      undefined,
      q,
    ),
  );
}

/** The endpoint a path names by its public id (a malformed one names none: the same 404). */
const endpointId = (publicId: string) => parsePathId('webhookEndpoint', publicId, 'webhook endpoint');

export async function getEndpoint(ctx: Ctx, publicId: string): Promise<EndpointRow> {
  const id = endpointId(publicId);
  const [row] = await system(ctx, 'read', (tx) =>
    tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)),
  );
  if (!row) throw ApiError.notFound('webhook endpoint', publicId);
  return row;
}

export function updateEndpoint(
  ctx: Ctx,
  publicId: string,
  input: Partial<EndpointInput> & { disabled?: boolean },
): Promise<EndpointRow> {
  const id = endpointId(publicId);
  if (input.url) checkUrl(input.url, ctx.config);
  return system(ctx, 'write', async (tx) => {
    const [row] = await tx
      .update(webhookEndpoints)
      .set({
        ...(input.url ? { url: input.url } : {}),
        ...(input.enabled_events?.length ? { enabledEvents: input.enabled_events } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.disabled !== undefined
          ? {
              status: input.disabled ? ('disabled' as const) : ('enabled' as const),
              disabledReason: input.disabled ? 'disabled by the platform' : null,
              failingSince: null,
            }
          : {}),
        updatedAt: sql`now()`,
      })
      .where(eq(webhookEndpoints.id, id))
      .returning();
    if (!row) throw ApiError.notFound('webhook endpoint', publicId);
    await insertAudit(tx, ctx.actor, ctx.requestId, {
      tenantId: null,
      action: 'webhook_endpoint.updated',
      target: { kind: 'webhookEndpoint', id },
      data: { ...input },
    });
    return row;
  });
}

export function deleteEndpoint(ctx: Ctx, publicId: string): Promise<EndpointRow> {
  const id = endpointId(publicId);
  return system(ctx, 'write', async (tx) => {
    const [row] = await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).returning();
    if (!row) throw ApiError.notFound('webhook endpoint', publicId);
    await insertAudit(tx, ctx.actor, ctx.requestId, {
      tenantId: null,
      action: 'webhook_endpoint.deleted',
      target: { kind: 'webhookEndpoint', id },
      data: { url: row.url },
    });
    return row;
  });
}

/** Rotations kept signing at once at most (the oldest goes first when a rotation would exceed it). */
const MAX_PREVIOUS_SECRETS = 5;

/**
 * A new secret; the replaced one keeps signing (alongside) for OUTBOUND_SECRET_GRACE_HOURS. Rotations may
 * overlap: every secret still in its grace period keeps signing, so an app that missed one rotation verifies.
 */
export function rotateSecret(ctx: Ctx, publicId: string): Promise<EndpointRow> {
  const id = endpointId(publicId);
  const graceMs = ctx.config.OUTBOUND_SECRET_GRACE_HOURS * 3_600_000;
  return system(ctx, 'write', async (tx) => {
    const [current] = await tx
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, id))
      .for('update');
    if (!current) throw ApiError.notFound('webhook endpoint', publicId);
    const previous = [
      ...liveSecrets(current.previousSecrets),
      { secret: current.secret, expires_at: new Date(Date.now() + graceMs).toISOString() },
    ].slice(-MAX_PREVIOUS_SECRETS);
    const [row] = await tx
      .update(webhookEndpoints)
      .set({ previousSecrets: previous, secret: newEndpointSecret(), updatedAt: sql`now()` })
      .where(eq(webhookEndpoints.id, id))
      .returning();
    if (!row) throw ApiError.notFound('webhook endpoint', publicId);
    await insertAudit(tx, ctx.actor, ctx.requestId, {
      tenantId: null,
      action: 'webhook_endpoint.secret_rotated',
      target: { kind: 'webhookEndpoint', id },
    });
    return row;
  });
}

/** The newest `limit` attempts; `hasMore` when older ones exist. */
export async function listAttempts(
  ctx: Ctx,
  publicId: string,
  limit: number,
): Promise<{ data: AttemptRow[]; hasMore: boolean }> {
  const id = endpointId(publicId);
  await getEndpoint(ctx, publicId);
  const rows = await system(ctx, 'read', (tx) =>
    tx
      .select()
      .from(outboundAttempts)
      .where(eq(outboundAttempts.endpointId, id))
      .orderBy(desc(outboundAttempts.createdAt), desc(outboundAttempts.id))
      .limit(limit + 1),
  );
  return { data: rows.slice(0, limit), hasMore: rows.length > limit };
}

/**
 * Sends again every delivery to this endpoint that gave up (its retry schedule ran out, e.g. while the
 * platform's app was down), as new attempts through the delivery queue. The endpoint must be enabled.
 */
export async function resendFailed(ctx: Ctx, jobs: Jobs, publicId: string): Promise<number> {
  const id = endpointId(publicId);
  return system(ctx, 'write', async (tx) => {
    const [endpoint] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    if (!endpoint) throw ApiError.notFound('webhook endpoint', publicId);
    if (endpoint.status !== 'enabled') {
      throw new ApiError('endpoint_disabled', 'Enable the endpoint before resending its failed deliveries.');
    }
    const rows = await tx
      .update(outboundDeliveries)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: null, updatedAt: sql`now()` })
      .where(and(eq(outboundDeliveries.endpointId, id), eq(outboundDeliveries.status, 'failed')))
      .returning({ id: outboundDeliveries.id });
    for (const r of rows) await jobs.sendInTx(tx, OUTBOUND_DELIVER_QUEUE, { deliveryId: r.id });
    await insertAudit(tx, ctx.actor, ctx.requestId, {
      tenantId: null,
      action: 'webhook_endpoint.failed_resent',
      target: { kind: 'webhookEndpoint', id },
      data: { deliveries: rows.length },
    });
    return rows.length;
  });
}
