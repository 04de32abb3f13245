import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/client.ts';
import { withSystem } from '../db/tenant.ts';
import type { Logger } from '../logger.ts';
import { routePlatformEvents } from './route.ts';

const BATCH = 500;

/**
 * Platform events stored before they were routed (flagged `routing_pending` by their migration), routed now
 * from the object each stored, by the same rule as new ones (route.ts) except that an account which changed
hands routes nothing by itself: the event may be its earlier holder's. Each batch's flags are cleared
 * whether or not it routed, so an event no tenant owns is looked at once. Returns how many were routed.
 */
export async function routeStoredPlatformEvents(db: Db, log: Logger, maxBatches = 20): Promise<number> {
  let routed = 0;
  for (let i = 0; i < maxBatches; i++) {
    const rows = await withSystem(db, 'webhooks.route', (tx) =>
      queryRows<{ id: string; object: Record<string, unknown> | null }>(
        tx,
        sql`select id, payload->'data'->'object' as object from stripe_events
            where routing_pending order by received_at, id limit ${BATCH}`,
      ),
    );
    if (rows.length === 0) break;
    const decided = await routePlatformEvents(
      db,
      log,
      rows.map((r) => ({ eventId: r.id, object: r.object ?? undefined })),
      true,
    );
    routed += decided.size;
    const ids = JSON.stringify(rows.map((r) => r.id));
    await withSystem(db, 'webhooks.route', (tx) =>
      tx.execute(sql`update stripe_events set routing_pending = false
                     where id in (select jsonb_array_elements_text(${ids}::jsonb))`),
    );
  }
  return routed;
}
