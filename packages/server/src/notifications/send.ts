import type { Tx } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { toPublicId } from '../http/ids.ts';
import type { JobDeps } from '../jobs/define.ts';
import { emitOutbound } from '../webhooks/service.ts';
import { audienceOf } from './catalogue.ts';
import { emailHeaders } from './headers.ts';
import { NOTIFICATION_SEND_QUEUE, type NotificationSendJob } from './outbox.ts';
import * as repo from './repo.ts';
import { type SendFailure, transportFor } from './transport.ts';

/**
 * One send of a notification. The row is claimed (`pending`, or `sending` left by a worker that died
 * after sending: at least once, with the same Message-ID), sent, then marked `sent` with the provider's id.
 * A temporary failure puts it back to `pending` and schedules the next try with backoff, until
 * NOTIFICATION_RETRY_LIMIT; a permanent one (an SMTP 5xx) fails it at once and records its addresses' bounce.
 */
export async function sendNotification(deps: JobDeps, job: NotificationSendJob): Promise<void> {
  const { db, config } = deps;
  const row = await withTenant(db, job.tenantId, (tx) => repo.claimNotification(tx, job.notificationId));
  if (!row) return;
  let providerMessageId: string;
  const sentAt = new Date();
  try {
    providerMessageId = await transportFor(config).send({
      headers: emailHeaders(config, row, sentAt),
      sentAt,
      html: row.html,
      text: row.text,
    });
  } catch (err) {
    await failed(deps, row, err as SendFailure);
    return;
  }
  if (config.TRIBUTARY_TEST_CRASH_AFTER_SMTP_SEND && config.NODE_ENV === 'test') {
    // the crash test's worker dies here: sent, not yet marked
    process.kill(process.pid, 'SIGKILL');
  }
  await withTenant(db, job.tenantId, async (tx) => {
    const sent = await repo.settleNotification(tx, row.id, { status: 'sent', providerMessageId, sentAt });
    if (sent && config.email.transport === 'smtp')
      await repo.clearBouncesDeliveredTo(tx, row.tenantId, row.recipients);
  });
}

async function failed(deps: JobDeps, row: repo.NotificationRow, failure: SendFailure): Promise<void> {
  const { config } = deps;
  const final = failure.permanent || row.attempts > config.NOTIFICATION_RETRY_LIMIT;
  deps.log.warn(
    { notification: row.id, attempts: row.attempts, permanent: failure.permanent, err: failure.message },
    final ? 'notification failed' : 'notification send failed; retrying',
  );
  await withTenant(deps.db, row.tenantId, async (tx) => {
    if (!final) {
      const settled = await repo.settleNotification(tx, row.id, {
        status: 'pending',
        error: failure.message,
      });
      if (!settled) return;
      const delay = config.NOTIFICATION_RETRY_DELAY_SECONDS * 2 ** Math.max(0, row.attempts - 1);
      const job: NotificationSendJob = { tenantId: row.tenantId, notificationId: row.id };
      await deps.jobs().sendInTx(tx, NOTIFICATION_SEND_QUEUE, job, { startAfter: delay });
      return;
    }
    await giveUp(tx, deps, row, failure);
  });
}

/**
 * Fails a `sending` row for good, in the caller's transaction: a permanent refusal records its addresses'
 * bounce; every failure emits `notification.failed`.
 */
export async function giveUp(
  tx: Tx,
  deps: Pick<JobDeps, 'jobs'>,
  row: repo.NotificationRow,
  failure: SendFailure,
): Promise<void> {
  const settled = await repo.settleNotification(tx, row.id, { status: 'failed', error: failure.message });
  if (!settled) return;
  if (failure.permanent)
    await repo.recordBounce(tx, {
      tenantId: row.tenantId,
      notificationId: row.id,
      recipients: row.recipients,
      kind: audienceOf(row.template),
      error: failure.message,
    });
  await emitOutbound(tx, deps.jobs(), {
    tenantId: row.tenantId,
    type: 'notification.failed',
    data: {
      notification: toPublicId('notification', row.id),
      template: row.template,
      recipients: row.recipients,
      attempts: row.attempts,
      permanent: failure.permanent,
      error: failure.message,
    },
  });
}
