import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withSystem } from '../../src/db/tenant.ts';
import { startJobs } from '../../src/jobs/boss.ts';
import type { Jobs } from '../../src/jobs/define.ts';
import { createLogger } from '../../src/logger.ts';
import { StripeRef } from '../../src/stripe/client.ts';
import { eventHandlerTable } from '../../src/webhooks/handlers.ts';
import { EVENTS_PER_BATCH, EVENTS_PER_JOB, insertEvents } from '../../src/webhooks/inbox.ts';
import { webhookJobs } from '../../src/webhooks/jobs.ts';
import { createTestTenant, startTestApp, type TestApp } from '../helpers/app.ts';
import { connectTenant } from '../helpers/payments.ts';
import { fakeEvent, inboundOf, systemRows } from '../helpers/webhooks.ts';

/**
 * One fetch of `stripe-event` jobs naming more events than one batch applies them in batches of up to
 * EVENTS_PER_BATCH. A failure in one batch counts against every fetched job, so the batches after it are
 * still attempted: none is left to spend its jobs' retries untried.
 */
describe('a fetch of more events than one batch', () => {
  let t: TestApp;
  let sender: Jobs;
  beforeAll(async () => {
    t = await startTestApp({ env: { WEBHOOK_REFETCH: 'false' } });
    sender = await startJobs(t.database, createLogger('silent'), { work: false, definitions: [] });
  });
  afterAll(async () => {
    await sender.stop();
    await t.close();
  });

  it('attempts every batch when an earlier one fails, then fails the fetch', async () => {
    const tenant = await createTestTenant(t, 'Fetch batches');
    const account = await connectTenant(t, tenant);
    const run = randomUUID().slice(0, 8);
    const n = EVENTS_PER_BATCH + EVENTS_PER_JOB;
    const events = Array.from({ length: n }, (_, i) =>
      inboundOf(
        fakeEvent({
          id: `evt_${i === 0 ? 'bad' : 'ok'}_${run}_${i}`,
          type: 'customer.updated',
          account,
          object: { id: `cus_${run}_${i}`, object: 'customer' },
        }),
        'connect',
      ),
    );
    await withSystem(t.database.db, 'webhooks.ingest', (tx) => insertEvents(tx, sender, t.config, events));
    // a handler that fails one event of the first batch
    const handlers = eventHandlerTable({
      test: {
        'customer.updated': {
          apply: async (ctx) => {
            if (ctx.event.id.startsWith('evt_bad_')) throw new Error('a handler bug');
          },
        },
      },
    });
    const [stripeEvent] = webhookJobs(handlers);
    const ids = events.map((e) => e.id);
    const payloads = Array.from({ length: n / EVENTS_PER_JOB }, (_, j) => ({
      eventIds: ids.slice(j * EVENTS_PER_JOB, (j + 1) * EVENTS_PER_JOB),
    }));
    const deps = {
      db: t.database.db,
      config: t.config,
      stripe: new StripeRef(t.config),
      log: createLogger('silent'),
      jobs: () => sender,
    };
    const metas = payloads.map(() => ({ id: randomUUID(), expireInSeconds: 300 }));
    await expect(stripeEvent.handle(deps, payloads, metas)).rejects.toThrow('a handler bug');
    const statuses = await systemRows<{ status: string; n: number }>(
      t.database,
      `select status, count(*)::int as n from stripe_events where id like 'evt_%_${run}_%' group by status order by status`,
    );
    expect(statuses).toEqual([
      { status: 'failed', n: 1 },
      { status: 'processed', n: n - 1 },
    ]);
  });
});
