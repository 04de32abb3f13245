import { isNotNull, lt, or, sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { dashboardLinks, idempotencyKeys, sessions } from '../db/schema/index.ts';
import { withSystem } from '../db/tenant.ts';
import type { JobDefinition } from './boss.ts';

/** Forgets idempotency records past their TTL and sessions and links that can no longer be used. */
export async function purgeExpired(
  db: Db,
  config: Config,
): Promise<{ idempotency: number; sessions: number; links: number }> {
  return withSystem(db, 'jobs.maintenance', async (tx) => {
    const idem = await tx
      .delete(idempotencyKeys)
      .where(
        lt(idempotencyKeys.createdAt, sql`now() - make_interval(hours => ${config.IDEMPOTENCY_TTL_HOURS})`),
      )
      .returning({ k: idempotencyKeys.key });
    const sess = await tx
      .delete(sessions)
      .where(or(lt(sessions.expiresAt, sql`now()`), isNotNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    const links = await tx
      .delete(dashboardLinks)
      .where(lt(dashboardLinks.expiresAt, sql`now() - interval '7 days'`))
      .returning({ id: dashboardLinks.id });
    return { idempotency: idem.length, sessions: sess.length, links: links.length };
  });
}

export function maintenanceJob(db: Db, config: Config): JobDefinition {
  return {
    queue: 'maintenance',
    cron: '*/15 * * * *',
    retryLimit: 2,
    handle: async () => {
      await purgeExpired(db, config);
    },
  };
}
