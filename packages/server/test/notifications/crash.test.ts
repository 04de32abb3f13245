import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { type Jobs, startJobs } from '../../src/jobs/boss.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { createDatabase, onPostgres } from '../helpers/db.ts';
import { waitFor } from '../helpers/webhooks.ts';
import { enqueueAlert, outboxRow } from './outbox.ts';
import { startSmtp, type TestSmtp } from './smtp.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/**
 * A worker process dies between the SMTP server accepting an e-mail and marking its row sent (the test hook
 * TRIBUTARY_TEST_CRASH_AFTER_SMTP_SEND kills it there). Its job expires and another worker sends the row
 * again: the receiving side gets the e-mail twice, both times with the same Message-ID, and the row ends
 * `sent`. At least once, as documented. Postgres only: PGlite is one process's.
 */
describe.skipIf(!onPostgres)('an e-mail whose worker died after sending', () => {
  let smtp: TestSmtp;
  let database: Database;
  let t: TestApp;
  let jobs: Jobs;
  let tenant: TestTenant;

  beforeAll(async () => {
    smtp = await startSmtp();
    database = await createDatabase();
    const env = { SMTP_URL: smtp.url, EMAIL_FROM: 'alerts@tributary.test' };
    t = await startTestApp({ database, sandbox: false, env });
    // this process only enqueues; the workers are processes of their own
    jobs = await startJobs(database, createLogger('silent'), { work: false, definitions: [] });
    tenant = await createTestTenant(t, 'Crash mail');
  });
  afterAll(async () => {
    await jobs.stop();
    await t.close();
    await database.close();
    await smtp.close();
  });

  function worker(extra: Record<string, string>): { child: ChildProcess; exited: Promise<string> } {
    const child = spawn(`${root}node_modules/.bin/node`, [main, 'worker'], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: database.ownerConnectionString!,
        STRIPE_WEBHOOK_SECRETS: 'whsec_unused',
        STRIPE_API_BASE: 'http://127.0.0.1:9',
        LOG_LEVEL: 'silent',
        SMTP_URL: smtp.url,
        EMAIL_FROM: 'alerts@tributary.test',
        // the job below carries its own 2 s expiry; this one sizes the SMTP timeouts (a quarter of it), which a
        // loaded machine must not hit
        NOTIFICATION_JOB_EXPIRE_SECONDS: '30',
        ...extra,
      },
      stdio: 'ignore',
    });
    const exited = new Promise<string>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ?? String(code))),
    );
    return { child, exited };
  }

  it('is sent again with the same Message-ID, and the row ends sent', async () => {
    const crashing = worker({ TRIBUTARY_TEST_CRASH_AFTER_SMTP_SEND: '1' });
    // the job expires 2 s after a worker took it, then returns to the queue a second later
    const n = await enqueueAlert(t, jobs, tenant, 'crash:process', ['owner@acme.test'], {
      expireInSeconds: 2,
      retryDelay: 1,
      retryBackoff: false,
    });
    expect(await crashing.exited).toBe('SIGKILL');
    expect(smtp.arrivals).toHaveLength(1);
    const left = await outboxRow(t, n.id);
    expect(left).toMatchObject({ status: 'sending', attempts: 1 });

    const restarted = worker({});
    try {
      const sent = await waitFor(
        async () => {
          const row = await outboxRow(t, n.id);
          return row.status === 'sent' ? row : null;
        },
        'sent by the restarted worker',
        undefined,
        60_000,
      );
      expect(sent.attempts).toBe(2);
      expect(smtp.arrivals).toHaveLength(2);
      const ids = smtp.arrivals.map((a) => a.mail.messageId);
      expect(ids).toEqual([sent.message_id, sent.message_id]);
    } finally {
      restarted.child.kill('SIGTERM');
      await restarted.exited;
    }
  }, 120_000);
});
