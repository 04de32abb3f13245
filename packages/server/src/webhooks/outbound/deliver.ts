import { and, eq, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import { type Db, queryRows } from '../../db/client.ts';
import {
  outboundAttempts,
  outboundDeliveries,
  outboundEvents,
  webhookEndpoints,
} from '../../db/schema/index.ts';
import { withSystem } from '../../db/tenant.ts';
import { toPublicId } from '../../http/ids.ts';
import type { Jobs } from '../../jobs/boss.ts';
import type { Logger } from '../../logger.ts';
import { insertAudit } from '../../scope/audit.ts';
import { OUTBOUND_DELIVER_QUEUE } from './emit.ts';
import { liveSecrets, signedHeaders } from './signing.ts';

export interface OutboundDeps {
  db: Db;
  config: Config;
  jobs: () => Jobs;
  log: Logger;
}

/**
 * One delivery per enabled endpoint subscribed to each event's type, created once however often this runs;
 * a batch of outbound events in one transaction, its delivery jobs enqueued with one insert.
 */
export async function fanOut(
  deps: OutboundDeps,
  outboundEventIds: string | readonly string[],
): Promise<number> {
  const ids = typeof outboundEventIds === 'string' ? [outboundEventIds] : [...outboundEventIds];
  if (ids.length === 0) return 0;
  return withSystem(deps.db, 'webhooks.outbound_delivery', async (tx) => {
    const rows = await queryRows<{ id: string }>(
      tx,
      sql`insert into outbound_deliveries (event_id, endpoint_id)
          select e.id, w.id from outbound_events e
          join webhook_endpoints w on w.status = 'enabled'
            and ('*' = any(w.enabled_events) or e.type = any(w.enabled_events))
          where e.id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)
          on conflict (event_id, endpoint_id) do nothing
          returning id`,
    );
    if (rows.length > 0) {
      await deps.jobs().sendInTx(
        tx,
        OUTBOUND_DELIVER_QUEUE,
        rows.map((r) => ({ deliveryId: r.id })),
      );
    }
    return rows.length;
  });
}

export function outboundPayload(e: typeof outboundEvents.$inferSelect): string {
  return JSON.stringify({
    id: toPublicId('outboundEvent', e.id),
    object: 'event',
    type: e.type,
    created: Math.floor(e.createdAt.getTime() / 1000),
    tenant: e.tenantId ? toPublicId('tenant', e.tenantId) : null,
    data: e.data,
  });
}

/**
 * One HTTP attempt of a delivery. Failures are scheduled again by this job itself on OUTBOUND_RETRY_SCHEDULE
 * (increasing delays over ≥ 3 days); when the schedule is exhausted and the endpoint has failed without a
 * success for OUTBOUND_DISABLE_AFTER_HOURS, the endpoint is disabled, audited and logged as an alert.
 */
export async function deliverOnce(deps: OutboundDeps, deliveryId: string): Promise<string> {
  const loaded = await withSystem(deps.db, 'webhooks.outbound_delivery', async (tx) => {
    const [row] = await tx
      .select({ delivery: outboundDeliveries, event: outboundEvents, endpoint: webhookEndpoints })
      .from(outboundDeliveries)
      .innerJoin(outboundEvents, eq(outboundEvents.id, outboundDeliveries.eventId))
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, outboundDeliveries.endpointId))
      .where(eq(outboundDeliveries.id, deliveryId));
    if (row && row.delivery.status === 'pending' && row.endpoint.status !== 'enabled') {
      await tx
        .update(outboundDeliveries)
        .set({ status: 'skipped', updatedAt: sql`now()` })
        .where(eq(outboundDeliveries.id, deliveryId));
      return null;
    }
    return row ?? null;
  });
  if (loaded?.delivery.status !== 'pending') return 'skipped';
  const { event, endpoint } = loaded;
  const payload = outboundPayload(event);
  const secrets = [endpoint.secret, ...liveSecrets(endpoint.previousSecrets).map((p) => p.secret)];
  const started = Date.now();
  let status: number | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(endpoint.url, {
      method: 'POST',
      headers: signedHeaders(toPublicId('outboundEvent', event.id), payload, secrets),
      body: payload,
      signal: AbortSignal.timeout(deps.config.OUTBOUND_TIMEOUT_MS),
      redirect: 'manual',
    });
    status = res.status;
    await res.body?.cancel();
    if (status < 200 || status >= 300) error = `HTTP ${status}`;
  } catch (err) {
    error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
  const durationMs = Date.now() - started;
  const schedule = deps.config.outboundRetrySchedule;
  return withSystem(deps.db, 'webhooks.outbound_delivery', async (tx) => {
    const [d] = await tx
      .update(outboundDeliveries)
      .set({ attempts: sql`${outboundDeliveries.attempts} + 1`, updatedAt: sql`now()` })
      .where(and(eq(outboundDeliveries.id, deliveryId), eq(outboundDeliveries.status, 'pending')))
      .returning();
    if (!d) return 'skipped';
    await tx.insert(outboundAttempts).values({
      deliveryId,
      endpointId: endpoint.id,
      attempt: d.attempts,
      responseStatus: status,
      error,
      durationMs,
    });
    if (!error) {
      await tx
        .update(outboundDeliveries)
        .set({ status: 'succeeded', nextAttemptAt: null })
        .where(eq(outboundDeliveries.id, deliveryId));
      await tx
        .update(webhookEndpoints)
        .set({ failingSince: null })
        .where(eq(webhookEndpoints.id, endpoint.id));
      return 'succeeded';
    }
    const [ep] = await tx
      .update(webhookEndpoints)
      .set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, now())` })
      .where(eq(webhookEndpoints.id, endpoint.id))
      .returning();
    const delay = schedule[d.attempts - 1];
    if (delay !== undefined) {
      const next = new Date(Date.now() + delay * 1000);
      await tx
        .update(outboundDeliveries)
        .set({ nextAttemptAt: next })
        .where(eq(outboundDeliveries.id, deliveryId));
      await deps.jobs().sendInTx(tx, OUTBOUND_DELIVER_QUEUE, { deliveryId }, { startAfter: next });
      return 'retrying';
    }
    await tx
      .update(outboundDeliveries)
      .set({ status: 'failed', nextAttemptAt: null })
      .where(eq(outboundDeliveries.id, deliveryId));
    const failingFor = ep?.failingSince ? Date.now() - ep.failingSince.getTime() : 0;
    if (ep?.status === 'enabled' && failingFor >= deps.config.OUTBOUND_DISABLE_AFTER_HOURS * 3_600_000) {
      await tx
        .update(webhookEndpoints)
        .set({
          status: 'disabled',
          disabledReason: `failing since ${ep.failingSince?.toISOString()}; last error: ${error}`,
          updatedAt: sql`now()`,
        })
        .where(eq(webhookEndpoints.id, endpoint.id));
      await insertAudit(tx, { kind: 'system', label: 'outbound-webhooks' }, null, {
        tenantId: null,
        action: 'webhook_endpoint.disabled',
        target: { kind: 'webhookEndpoint', id: endpoint.id },
        data: { url: endpoint.url, error },
      });
      deps.log.error(
        { endpoint: toPublicId('webhookEndpoint', endpoint.id), url: endpoint.url, error },
        'ALERT: outbound webhook endpoint disabled after sustained failure',
      );
    }
    return 'failed';
  });
}
