import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { startWorker } from '../../src/runtime.ts';
import { StripeRef } from '../../src/stripe/client.ts';
import { bearer, startTestApp, type TestApp } from '../helpers/app.ts';
import { deliver, fakeEvent, systemRows, waitFor } from '../helpers/webhooks.ts';

/** Stripe unreachable: the refetch fails, the job retries with backoff, then the event is dead-lettered. */
describe('processing retries and dead letter', () => {
  let t: TestApp;
  let jobs: Awaited<ReturnType<typeof startWorker>>;
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        // nothing listens on port 9: every refetch fails with a connection error
        STRIPE_API_BASE: 'http://127.0.0.1:9',
        WEBHOOK_RETRY_LIMIT: '2',
        WEBHOOK_RETRY_DELAY_SECONDS: '1',
      },
    });
    jobs = await startWorker(t.config, t.database, createLogger('silent'), {
      stripe: new StripeRef(t.config),
    });
  });
  afterAll(async () => {
    await jobs.stop();
    await t.close();
  });

  it('records each failed attempt, dead-letters past the limit, and counts it for the overview', async () => {
    const event = fakeEvent({ type: 'payment_intent.succeeded' });
    expect((await deliver(t, event)).statusCode).toBe(200);
    const row = await waitFor(async () => {
      const [r] = await systemRows<{ status: string; attempts: number; last_error: string }>(
        t.database,
        `select status, attempts, last_error from stripe_events where id = '${event.id}'`,
      );
      return r?.status === 'dead' ? r : null;
    }, 'dead letter');
    expect(row.attempts).toBe(3);
    expect(row.last_error).toBeTruthy();
    const stats = await t.app.inject({
      method: 'GET',
      url: '/v1/events/stats',
      headers: bearer(t.platformKey),
    });
    expect(stats.json().dead).toBeGreaterThanOrEqual(1);
    const list = await t.app.inject({
      method: 'GET',
      url: '/v1/events?status=dead&type=payment_intent.*',
      headers: bearer(t.platformKey),
    });
    expect(list.json().data.map((e: { id: string }) => e.id)).toContain(event.id);
    // the per-attempt history: each attempt's outcome and error, oldest first
    const detail = await t.app.inject({
      method: 'GET',
      url: `/v1/events/${event.id}`,
      headers: bearer(t.platformKey),
    });
    const history = detail.json().attempt_history as {
      attempt: number;
      outcome: string;
      error: string | null;
      started_at: number;
      duration_ms: number;
    }[];
    expect(history.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'dead'],
    ]);
    for (const a of history) {
      expect(a.error).toBeTruthy();
      expect(a.duration_ms).toBeGreaterThanOrEqual(0);
      expect(a.started_at).toBeGreaterThan(0);
    }
  });
});
