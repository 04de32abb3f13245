import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../../db/client.ts';
import type { Jobs } from '../../jobs/boss.ts';
import type { OutboundEventType } from './event-types.ts';

export const OUTBOUND_FANOUT_QUEUE = 'outbound-fanout';
export const OUTBOUND_DELIVER_QUEUE = 'outbound-deliver';

/** The outbound_events row alone (once per source event and type); null when it already existed. */
export async function insertOutboundEvent(
  tx: Tx,
  e: {
    tenantId: string | null;
    type: OutboundEventType;
    data: Record<string, unknown>;
    sourceEventId?: string | null;
  },
): Promise<string | null> {
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`insert into outbound_events (tenant_id, type, data, source_event_id)
        values (${e.tenantId}, ${e.type}, ${JSON.stringify(e.data)}::jsonb, ${e.sourceEventId ?? null})
        on conflict (source_event_id, type) do nothing
        returning id`,
  );
  return rows[0]?.id ?? null;
}

/** Enqueues the fan-out of outbound events in `tx`, one insert for all. */
export async function enqueueFanOut(tx: Tx, jobs: Jobs, outboundEventIds: readonly string[]): Promise<void> {
  if (outboundEventIds.length === 0) return;
  await jobs.sendInTx(
    tx,
    OUTBOUND_FANOUT_QUEUE,
    outboundEventIds.map((id) => ({ outboundEventId: id })),
  );
}

/**
 * Records a domain change for the platform's app, in the transaction making the change, and enqueues its
 * fan-out there too: the event exists exactly when the change does. `sourceEventId` makes a redelivered or
 * replayed Stripe event emit once.
 */
export async function emitOutbound(
  tx: Tx,
  jobs: Jobs,
  e: {
    tenantId: string | null;
    type: OutboundEventType;
    data: Record<string, unknown>;
    sourceEventId?: string | null;
  },
): Promise<string | null> {
  const id = await insertOutboundEvent(tx, e);
  if (id) await jobs.sendInTx(tx, OUTBOUND_FANOUT_QUEUE, { outboundEventId: id });
  return id;
}
