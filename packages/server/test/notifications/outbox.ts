import { withTenant } from '../../src/db/tenant.ts';
import type { Jobs, SendInTxOptions } from '../../src/jobs/boss.ts';
import { enqueueNotification } from '../../src/notifications/service.ts';
import type { TestApp, TestTenant } from '../helpers/app.ts';
import { systemRows } from '../helpers/webhooks.ts';

/** Writes a dispute_opened notification as a cause would: the row and its send job in one transaction. */
export function enqueueAlert(
  t: TestApp,
  jobs: Jobs,
  tenant: TestTenant,
  dedupKey: string,
  recipients = ['owner@acme.test'],
  options?: SendInTxOptions,
) {
  return withTenant(t.database.db, tenant.id, (tx) =>
    enqueueNotification(
      tx,
      { config: t.config, enqueue: (queue, data) => jobs.sendInTx(tx, queue, data, options) },
      {
        tenantId: tenant.id,
        template: 'dispute_opened',
        data: {
          disputeId: 'dsp_0',
          paymentId: 'pay_0',
          amount: 4000,
          currency: 'usd',
          reason: 'fraudulent',
          evidenceDueBy: '2026-12-20T23:59:59.000Z',
        },
        recipients,
        dedupKey,
      },
    ),
  ).then((r) => r.notification);
}

export interface OutboxRow {
  status: string;
  attempts: number;
  last_error: string | null;
  message_id: string;
  provider_message_id: string | null;
}

export async function outboxRow(t: TestApp, id: string): Promise<OutboxRow> {
  const [row] = await systemRows<OutboxRow>(
    t.database,
    `select status, attempts, last_error, message_id, provider_message_id from notifications where id = '${id}'`,
  );
  return row!;
}

/** Send jobs of the notification still to run (queued, waiting to retry, or running). */
export async function openSendJobs(t: TestApp, id: string): Promise<number> {
  const [row] = await systemRows<{ n: number }>(
    t.database,
    `select count(*)::int as n from pgboss.job where name = 'notification-send'
       and data->>'notificationId' = '${id}' and state in ('created', 'retry', 'active')`,
  );
  return row!.n;
}
