import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { startWorker } from '../../src/runtime.ts';
import { StripeRef } from '../../src/stripe/client.ts';
import { createTestTenant, startTestApp, type TestApp } from '../helpers/app.ts';
import { deliver, fakeEvent, ownerSql, systemRows, waitFor } from '../helpers/webhooks.ts';

/**
 * The worker applies a batch in one transaction per tenant; a handler failing inside it must roll back only
 * its own event (savepoint retry path): the others in the batch are applied once, with their outbound events.
 * (The events come from a tenant's connected account: an event of no tenant keeps only its raw object.)
 */
describe('worker batches', () => {
  let t: TestApp;
  let jobs: Awaited<ReturnType<typeof startWorker>> | null = null;
  beforeAll(async () => {
    t = await startTestApp({ env: { WEBHOOK_REFETCH: 'false', WEBHOOK_RETRY_DELAY_SECONDS: '60' } });
  });
  afterAll(async () => {
    await jobs?.stop();
    await t.close();
  });

  it('a failing event in a batch rolls back alone; the rest are applied and emit once', async () => {
    const tenant = await createTestTenant(t, 'Batch');
    const account = 'acct_batch_test';
    await ownerSql(
      t.database,
      `update tenants set stripe_account_id = '${account}' where id = '${tenant.id}'`,
    );
    const good = Array.from({ length: 5 }, (_, i) =>
      fakeEvent({
        type: 'invoice.paid',
        account,
        object: { id: `in_batch_ok_${i}`, object: 'invoice', status: 'paid', amount_paid: 100 + i },
      }),
    );
    // no `object` field: the guarded upsert violates NOT NULL inside the batch's transaction
    const bad = fakeEvent({ type: 'invoice.paid', account, object: { id: 'in_batch_bad', status: 'paid' } });
    const all = [good[0]!, good[1]!, bad, good[2]!, good[3]!, good[4]!];
    for (const e of all) {
      expect((await deliver(t, e, { path: '/webhooks/stripe/connect' })).statusCode).toBe(200);
    }
    // all six are waiting before the worker starts, so they are fetched as one batch
    jobs = await startWorker(t.config, t.database, createLogger('silent'), {
      stripe: new StripeRef(t.config),
    });
    const ids = all.map((e) => `'${e.id}'`).join(',');
    const rows = await waitFor(async () => {
      const r = await systemRows<{ id: string; status: string; last_error: string | null }>(
        t.database,
        `select id, status, last_error from stripe_events where id in (${ids})`,
      );
      return r.every((x) => x.status !== 'pending') ? r : null;
    }, 'batch outcomes');
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(bad.id as string)?.status).toBe('failed');
    expect(byId.get(bad.id as string)?.last_error).toMatch(/null|object/i);
    for (const e of good) expect(byId.get(e.id as string)?.status).toBe('processed');
    const objects = await systemRows<{ id: string }>(
      t.database,
      `select id from stripe_objects where id like 'in_batch_%' order by id`,
    );
    expect(objects.map((o) => o.id)).toEqual(good.map((_, i) => `in_batch_ok_${i}`));
    const outbound = await systemRows<{ n: number }>(
      t.database,
      `select count(*)::int as n from outbound_events where source_event_id in (${ids})`,
    );
    expect(outbound[0]!.n).toBe(5);
  });
});
