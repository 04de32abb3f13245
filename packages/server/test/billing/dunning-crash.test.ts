import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/db/tenant.ts';
import { type Jobs, startJobs } from '../../src/jobs/boss.ts';
import { createLogger } from '../../src/logger.ts';
import type { TestTenant } from '../helpers/app.ts';
import { onPostgres } from '../helpers/db.ts';
import { type Pipeline, startPipeline, waitFor } from '../helpers/webhooks.ts';
import { advance, attempts, DAY, FAILED_AT, failedRenewal, proPlan, stateOf } from './dunning-fixtures.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

function spawnWorker(p: Pipeline, extra: Record<string, string>) {
  const child = spawn(`${root}node_modules/.bin/node`, [main, 'worker'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: p.t.database.ownerConnectionString!,
      STRIPE_WEBHOOK_SECRETS: 'whsec_unused',
      STRIPE_API_BASE: p.sandbox.url,
      CONNECT_ACCOUNT_KIND: 'standard',
      LOG_LEVEL: 'silent',
      ...extra,
    },
    stdio: 'ignore',
  });
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? String(code))),
  );
  return { child, exited };
}

/**
 * A worker process dies between Stripe paying the invoice in a dunning attempt and recording it (the test
 * hook TRIBUTARY_TEST_CRASH_AFTER_DUNNING_PAY kills it there). Its job expires and another worker runs it:
 * the attempt resumes with the same idempotency key, Stripe replays its answer, the tenant is active again,
 * and the card was charged once. Postgres only: PGlite is one process's.
 */
describe.skipIf(!onPostgres)('dunning: the worker dies during an attempt', () => {
  let p: Pipeline;
  let pro: string;
  let sender: Jobs;

  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'standard' }, { freshDatabase: true });
    pro = await proPlan(p);
  });
  afterAll(async () => {
    await sender?.stop();
    await p?.close();
  });

  const worker = (extra: Record<string, string>) => spawnWorker(p, extra);

  it('the attempt completes on restart under the same idempotency key; one charge', async () => {
    const { tenant, clock, customer, saved } = await failedRenewal(p, pro, 'Dunning crash', [
      'pm_card_chargeCustomerFail',
      'pm_card_visa',
    ]);
    const visa = saved[1]!;
    const [invoice] = (await p.stripe.invoices.list({ customer, status: 'open' })).data;
    // from here the workers are processes of their own, and Stripe's events wait (the attempt alone settles)
    for (const ep of (await p.stripe.webhookEndpoints.list()).data)
      await p.stripe.webhookEndpoints.update(ep.id, { disabled: true });
    await p.jobs.stop();
    sender = await startJobs(p.t.database, createLogger('silent'), { work: false, definitions: [] });
    await advance(p, clock, FAILED_AT + DAY + 60);

    const crashing = worker({ TRIBUTARY_TEST_CRASH_AFTER_DUNNING_PAY: '1' });
    await withTenant(p.t.database.db, tenant.id, (tx) =>
      sender.sendInTx(
        tx,
        'billing-followup',
        { kind: 'dunning_run', tenantId: tenant.id },
        { expireInSeconds: 2, retryDelay: 1, retryBackoff: false },
      ),
    );
    expect(await crashing.exited).toBe('SIGKILL');
    expect((await p.stripe.invoices.retrieve(invoice!.id!)).status).toBe('paid');
    expect((await attempts(p, tenant)).map((a) => [a.payment_method, a.status])).toEqual([
      [saved[0], 'failed'],
      [visa, 'pending'],
    ]);
    expect(await stateOf(p, tenant)).toBe('past_due');

    // its supervisor returns the expired job to the queue within seconds (half the shortest job expiry)
    const restarted = worker({ WEBHOOK_JOB_EXPIRE_SECONDS: '4' });
    try {
      await waitFor(
        async () => (await stateOf(p, tenant)) === 'active',
        'active after the restart',
        undefined,
        60_000,
      );
    } finally {
      restarted.child.kill('SIGTERM');
      await restarted.exited;
    }
    await expectResumedOnce(p, { tenant, customer, invoice: invoice!.id!, declined: saved[0]!, visa });
  }, 180_000);
});

/**
 * The worker dies during an attempt of a job with the queue's own expiry (minutes): its job is not handed out
 * again before then. A run asked for after the restart (a clock's advance, the sweep) finds the case held by
 * the dead run; it is made once that run's lease lapses (seconds: the lease is renewed only while its run
 * lives), rather than left to the dead run, and resumes the attempt under the same key.
 */
describe.skipIf(!onPostgres)('dunning: a run asked for while a dead worker holds the case', () => {
  let p: Pipeline;
  let pro: string;
  let sender: Jobs;

  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'standard' }, { freshDatabase: true });
    pro = await proPlan(p);
  });
  afterAll(async () => {
    await sender?.stop();
    await p?.close();
  });

  it('is made once the dead run lets go; the attempt resumes under its key; one charge', async () => {
    const { tenant, clock, customer, saved } = await failedRenewal(p, pro, 'Dunning dead holder', [
      'pm_card_chargeCustomerFail',
      'pm_card_visa',
    ]);
    const visa = saved[1]!;
    const [invoice] = (await p.stripe.invoices.list({ customer, status: 'open' })).data;
    for (const ep of (await p.stripe.webhookEndpoints.list()).data)
      await p.stripe.webhookEndpoints.update(ep.id, { disabled: true });
    await p.jobs.stop();
    sender = await startJobs(p.t.database, createLogger('silent'), { work: false, definitions: [] });
    await advance(p, clock, FAILED_AT + DAY + 60);
    const run = () =>
      withTenant(p.t.database.db, tenant.id, (tx) =>
        sender.sendInTx(tx, 'billing-followup', { kind: 'dunning_run', tenantId: tenant.id }),
      );

    const crashing = spawnWorker(p, { TRIBUTARY_TEST_CRASH_AFTER_DUNNING_PAY: '1' });
    await run();
    expect(await crashing.exited).toBe('SIGKILL');
    expect((await p.stripe.invoices.retrieve(invoice!.id!)).status).toBe('paid');
    expect((await attempts(p, tenant)).map((a) => [a.payment_method, a.status])).toEqual([
      [saved[0], 'failed'],
      [visa, 'pending'],
    ]);

    const restarted = spawnWorker(p, {});
    try {
      await run();
      await waitFor(
        async () => (await stateOf(p, tenant)) === 'active',
        'active once the dead run let go',
        undefined,
        90_000,
      );
    } finally {
      restarted.child.kill('SIGTERM');
      await restarted.exited;
    }
    await expectResumedOnce(p, { tenant, customer, invoice: invoice!.id!, declined: saved[0]!, visa });
  }, 240_000);
});

/**
 * The attempt made once: the declined card's, then the good card's whose call the restart resumed under the
 * same idempotency key (Stripe replayed it), and one charge for the renewal besides the first month's.
 */
async function expectResumedOnce(
  p: Pipeline,
  c: { tenant: TestTenant; customer: string; invoice: string; declined: string; visa: string },
) {
  expect((await attempts(p, c.tenant)).map((a) => [a.payment_method, a.status, a.retry])).toEqual([
    [c.declined, 'failed', 0],
    [c.visa, 'succeeded', 0],
  ]);
  const log = (await (
    await fetch(`${p.sandbox.url}/_sandbox/requests?path=/v1/invoices/${c.invoice}/pay`)
  ).json()) as { data: { idempotency_key: string; replayed: boolean }[] };
  const key = `tributary:dunning:${c.invoice}:1:${c.visa}:0`;
  expect(log.data.filter((r) => r.idempotency_key === key).map((r) => r.replayed)).toEqual([false, true]);
  const charges = (await p.stripe.charges.list({ customer: c.customer })).data.filter(
    (ch) => ch.status === 'succeeded',
  );
  expect(charges.map((ch) => ch.amount)).toEqual([10_000, 10_000]);
}
