import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDue } from '../../src/billing/dunning/run.ts';
import { createLogger } from '../../src/logger.ts';
import { StripeRef } from '../../src/stripe/client.ts';
import type { TestTenant } from '../helpers/app.ts';
import { type Pipeline, pipelineState, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';
import {
  advance,
  attempts,
  DAY,
  FAILED_AT,
  failedRenewal,
  mails,
  operatorCase,
  payCalls,
  platformCall,
  proPlan,
  stateOf,
} from './dunning-fixtures.ts';

/**
 * One run at a time per case: two runs of a case at once (two workers' jobs, a job and the operator's
 * "retry now") make each call once — one attempt per method per retry, one charge at most; "retry now"
 * while a run holds the case is refused `409 dunning_case_busy`, and a run asked for meanwhile is made by
 * the holder before it lets go.
 */
describe('dunning: runs of one case at once', () => {
  let p: Pipeline;
  let pro: string;

  beforeAll(async () => {
    // a Stripe call held back for seconds (the sandbox's latency) stays within the client's timeout
    p = await startPipeline(
      { CONNECT_ACCOUNT_KIND: 'standard', STRIPE_TIMEOUT_MS: '40000' },
      { freshDatabase: true },
    );
    pro = await proPlan(p);
  });
  afterAll(() => p?.close());

  const fault = async (rule: object) => {
    const res = await fetch(`${p.sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(rule),
    });
    expect(res.status).toBe(200);
  };
  const caseRow = async (tenant: TestTenant) => {
    const [row] = await systemRows<{ rerun_requested: boolean; attempts_made: number }>(
      p.t.database,
      `select rerun_requested, attempts_made from dunning_cases where tenant_id = '${tenant.id}'`,
    );
    return row!;
  };

  it('retry now while a run holds the case is 409 dunning_case_busy; a run asked meanwhile is made', async () => {
    const { tenant, clock, customer, saved } = await failedRenewal(p, pro, 'Busy case', [
      'pm_card_chargeCustomerFail',
    ]);
    const [may] = (await p.stripe.invoices.list({ customer, status: 'open' })).data;
    const c = await operatorCase(p, tenant);
    const retry = () => platformCall(p)('POST', `/v1/billing/dunning/${c!.id}/retry`);

    // the first "retry now" holds the case for as long as Stripe takes to answer its call
    await fault({ type: 'latency', latency_ms: 15_000, method: 'POST', path: `/v1/invoices/${may!.id}/pay` });
    const holding = retry();
    await waitFor(async () => (await payCalls(p, [may!.id!])).length === 1, 'the first call in flight');

    const busy = await retry();
    expect(busy.statusCode, busy.body).toBe(409);
    expect(busy.json().error.code).toBe('dunning_case_busy');

    // day 1: the clock's run finds the case held and asks the holder to run once more
    await advance(p, clock, FAILED_AT + DAY + 60);
    await waitFor(
      async () => (await caseRow(tenant)).rerun_requested,
      'a run asked of the holder',
      pipelineState(p),
    );

    const held = await holding;
    expect(held.statusCode, held.body).toBe(200);
    // its own attempt (outside the count), then the one asked for: the day-1 attempt
    expect(
      held.json().attempts.map((a: { number: number; outcome: string }) => [a.number, a.outcome]),
    ).toEqual([
      [100, 'failed'],
      [1, 'failed'],
    ]);
    expect(held.json()).toMatchObject({ phase: 'past_due', attempts_made: 1 });
    await waitFor(
      async () => (await mails(p, tenant)).some((m) => m.template === 'plan_attempt_failed'),
      'the attempt e-mail',
    );
    // the asked run's own follow-up, once the holder's lease would have lapsed, finds it let go: nothing more
    await waitFor(
      async () =>
        (
          await systemRows(
            p.t.database,
            `select 1 from pgboss.job where name = 'billing-followup' and state = 'completed'
               and data->>'tenantId' = '${tenant.id}' and data->>'afterHolder' = 'true'`,
          )
        ).length > 0,
      'the follow-up of the asked run',
      pipelineState(p),
      60_000,
    );
    expect(await payCalls(p, [may!.id!])).toEqual([
      [may!.id, saved[0]],
      [may!.id, saved[0]],
    ]);
    expect((await attempts(p, tenant)).map((a) => [a.number, a.status, a.retry])).toEqual([
      [1, 'failed', 0],
      [100, 'failed', 0],
    ]);
    expect((await mails(p, tenant)).filter((m) => m.template === 'plan_attempt_failed')).toHaveLength(1);
    expect((await caseRow(tenant)).attempts_made).toBe(1);
  }, 240_000);

  it('two runs at once (two workers): each method tried once, one charge', async () => {
    const { tenant, clock, customer, saved } = await failedRenewal(p, pro, 'Two runs', [
      'pm_card_chargeCustomerFail',
      'pm_card_visa',
    ]);
    const [failing, visa] = saved as [string, string];
    const [may] = (await p.stripe.invoices.list({ customer, status: 'open' })).data;
    // Stripe's events held back: the two runs below are the only ones
    const endpoints = (await p.stripe.webhookEndpoints.list()).data;
    for (const ep of endpoints) await p.stripe.webhookEndpoints.update(ep.id, { disabled: true });
    try {
      await advance(p, clock, FAILED_AT + DAY + 60);
      const deps = {
        db: p.t.database.db,
        config: p.t.config,
        stripe: new StripeRef(p.t.config),
        jobs: p.jobs,
        log: createLogger('silent'),
      };
      const runs = await Promise.all([
        runDue(deps, tenant.id, { leaseSeconds: 300 }),
        runDue(deps, tenant.id, { leaseSeconds: 300 }),
      ]);
      expect(runs.filter((r) => r.ran)).toHaveLength(1);
      expect(runs.find((r) => !r.ran)).toMatchObject({ ran: false, asked: true });
      // the loser's follow-up (its job would leave it due): the holder let go, so nothing is run again
      expect(await runDue(deps, tenant.id, { leaseSeconds: 300, afterHolder: true })).toEqual({ ran: true });
    } finally {
      for (const ep of endpoints) await p.stripe.webhookEndpoints.update(ep.id, { disabled: false });
    }
    expect(await stateOf(p, tenant)).toBe('active');
    expect(await payCalls(p, [may!.id!])).toEqual([
      [may!.id, failing],
      [may!.id, visa],
    ]);
    expect((await attempts(p, tenant)).map((a) => [a.number, a.payment_method, a.status])).toEqual([
      [1, failing, 'failed'],
      [1, visa, 'succeeded'],
    ]);
    const charges = (await p.stripe.charges.list({ customer })).data.filter((c) => c.status === 'succeeded');
    expect(charges.map((c) => c.amount)).toEqual([10_000, 10_000]);
  }, 240_000);
});
