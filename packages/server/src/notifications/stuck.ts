import { and, eq, lt, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { notifications } from '../db/schema/index.ts';
import { withTenant } from '../db/tenant.ts';
import type { JobDeps } from '../jobs/define.ts';
import { NOTIFICATION_SEND_QUEUE, type NotificationSendJob } from './outbox.ts';
import { giveUp } from './send.ts';
import { SendFailure } from './transport.ts';

/**
 * Rows left `sending` past the send job's expiry: their worker died and pg-boss gave the job up (its own
 * retries spent, or the job lost). Every SMTP wait is bounded well under the expiry (transport.ts), so no
 * send of them is still running. Ids only, across tenants, in the maintenance job's system transaction.
 */
export async function stuckSending(
  tx: Tx,
  expireSeconds: number,
): Promise<{ id: string; tenantId: string }[]> {
  return tx
    .select({ id: notifications.id, tenantId: notifications.tenantId })
    .from(notifications)
    .where(
      and(
        eq(notifications.status, 'sending'),
        lt(notifications.updatedAt, sql`now() - make_interval(secs => ${expireSeconds})`),
      ),
    )
    .limit(1000);
}

/**
 * One stuck row, in its tenant's transaction: queued again (`pending`, a new send job; the next send carries
 * the same Message-ID — at least once), or failed when it has used its attempts. Answers what was done.
 */
export async function recoverStuck(
  deps: Pick<JobDeps, 'db' | 'config' | 'jobs'>,
  stuck: { id: string; tenantId: string },
): Promise<'requeued' | 'failed' | null> {
  const expire = deps.config.NOTIFICATION_JOB_EXPIRE_SECONDS;
  return withTenant(deps.db, stuck.tenantId, async (tx) => {
    const [row] = await tx
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.id, stuck.id),
          eq(notifications.status, 'sending'),
          lt(notifications.updatedAt, sql`now() - make_interval(secs => ${expire})`),
        ),
      )
      .for('update');
    if (!row) return null;
    if (row.attempts > deps.config.NOTIFICATION_RETRY_LIMIT) {
      const why = `no send finished within ${expire} s, ${row.attempts} times; given up`;
      await giveUp(tx, deps, row, new SendFailure(why, false));
      return 'failed';
    }
    await tx
      .update(notifications)
      .set({
        status: 'pending',
        lastError: `left sending past ${expire} s; queued again`,
        updatedAt: sql`now()`,
      })
      .where(eq(notifications.id, row.id));
    const job: NotificationSendJob = { tenantId: row.tenantId, notificationId: row.id };
    await deps.jobs().sendInTx(tx, NOTIFICATION_SEND_QUEUE, job);
    return 'requeued';
  });
}
