import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { Jobs } from '../../src/jobs/boss.ts';
import { createLogger } from '../../src/logger.ts';
import { recoverStuckNotifications } from '../../src/maintenance.ts';
import { startWorker } from '../../src/runtime.ts';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { ownerSql, systemRows, waitFor } from '../helpers/webhooks.ts';
import { enqueueAlert, outboxRow } from './outbox.ts';
import { startSmtp, type TestSmtp } from './smtp.ts';

/**
 * A slow SMTP server fails the send (a temporary failure) before the job's expiry, so pg-boss never runs a
 * second send beside it; and a row left `sending` after pg-boss gave up is taken up by the maintenance job.
 */
describe('sends that hang or are left sending', () => {
  let smtp: TestSmtp;
  let t: TestApp;
  let jobs: Jobs;
  let tenant: TestTenant;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({
      sandbox: false,
      env: {
        SMTP_URL: smtp.url,
        EMAIL_FROM: 'alerts@tributary.test',
        NOTIFICATION_JOB_EXPIRE_SECONDS: '8',
        NOTIFICATION_RETRY_DELAY_SECONDS: '1',
        NOTIFICATION_RETRY_LIMIT: '2',
      },
    });
    jobs = await startWorker(t.config, t.database, createLogger('silent'));
    tenant = await createTestTenant(t, 'Stuck');
  });
  afterAll(async () => {
    await jobs.stop();
    await t.close();
    await smtp.close();
  });

  const arrivalsOf = (messageId: string) => smtp.arrivals.filter((a) => a.mail.messageId === messageId);
  const sent = (id: string, attempts?: number) =>
    waitFor(async () => {
      const row = await outboxRow(t, id);
      return row.status === 'sent' && (attempts === undefined || row.attempts === attempts) ? row : null;
    }, 'sent');

  it('every SMTP wait is bounded under the expiry: three of them fit in it', () => {
    expect(t.config.email.smtpTimeoutMs).toBe(2000);
    const base = { NODE_ENV: 'test' };
    expect(loadConfig(base).email.smtpTimeoutMs).toBe(30_000);
    expect(() =>
      loadConfig({
        ...base,
        NOTIFICATION_SMTP_TIMEOUT_SECONDS: '40',
        NOTIFICATION_JOB_EXPIRE_SECONDS: '120',
      }),
    ).toThrow(/NOTIFICATION_SMTP_TIMEOUT_SECONDS/);
  });

  it('a server that stops answering: the send times out and is retried by us, not by pg-boss beside it', async () => {
    let hung = false;
    smtp.answer = (address) => {
      if (address !== 'slow@acme.test' || hung) return 'accept';
      hung = true;
      return 'hang';
    };
    const n = await enqueueAlert(t, jobs, tenant, 'slow:1', ['slow@acme.test']);
    const row = await sent(n.id);
    // at least the hung attempt and the one that went through (a loaded machine may time out one more)
    expect(row.attempts).toBeGreaterThanOrEqual(2);
    // the client gave up on the silent session itself
    await waitFor(async () => (smtp.droppedWhileHanging === 1 ? true : null), 'the silent session dropped');
    expect(arrivalsOf(row.message_id)).toHaveLength(1);
    // no send job ran out its expiry (pg-boss would have retried it while the first send still ran)
    const [job] = await systemRows<{ retried: number }>(
      t.database,
      `select coalesce(max(retry_count), 0)::int as retried from pgboss.job
         where name = 'notification-send' and data->>'notificationId' = '${n.id}'`,
    );
    expect(job!.retried).toBe(0);
  });

  it('a row left sending past the expiry is queued again with the same Message-ID, or failed when spent', async () => {
    smtp.answer = () => 'accept';
    const n = await enqueueAlert(t, jobs, tenant, 'stuck:1', ['owner@acme.test']);
    const first = await sent(n.id, 1);
    const spent = await enqueueAlert(t, jobs, tenant, 'stuck:spent', ['owner@acme.test']);
    await sent(spent.id, 1);
    // what pg-boss leaves when it gives a job up after a crash: the row sending, no job to send it
    await ownerSql(
      t.database,
      `update notifications set status = 'sending', updated_at = now() - interval '1 hour'
         where id = '${n.id}'`,
    );
    await ownerSql(
      t.database,
      `update notifications set status = 'sending', attempts = 3, updated_at = now() - interval '1 hour'
         where id = '${spent.id}'`,
    );
    const deps = { db: t.database.db, config: t.config, jobs: () => jobs };
    expect(await recoverStuckNotifications(deps)).toEqual({ requeued: 1, failed: 1 });
    const again = await sent(n.id, 2);
    expect(again.message_id).toBe(first.message_id);
    expect(arrivalsOf(first.message_id)).toHaveLength(2);
    const failed = await outboxRow(t, spent.id);
    expect(failed).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/given up/) });
    const events = await systemRows<{ n: number }>(
      t.database,
      `select count(*)::int as n from outbound_events where type = 'notification.failed'
         and data->>'notification' = 'ntf_${spent.id.replaceAll('-', '')}'`,
    );
    expect(events[0]!.n).toBe(1);
    // nothing left to recover; a fresh `sending` row (a send in progress) is left alone
    await ownerSql(t.database, `update notifications set status = 'sending' where id = '${spent.id}'`);
    expect(await recoverStuckNotifications(deps)).toEqual({ requeued: 0, failed: 0 });
  });
});
