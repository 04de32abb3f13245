import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, pipelineState, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';
import {
  advance,
  attempts,
  DAY,
  FAILED_AT,
  failedRenewal,
  mails,
  proPlan,
  stateOf,
} from './dunning-fixtures.ts';
import { defaultFreePlan } from './plan-fixtures.ts';

/**
 * Dunning when Stripe fails to answer an attempt (it does not count, and the dates move by the delay), and
 * the final action after the suspension (DUNNING_FINAL_ACTION=downgrade_to_free, two days later).
 */
describe('dunning: outages and the final action', () => {
  let p: Pipeline;
  let pro: string;
  let free: string;

  beforeAll(async () => {
    p = await startPipeline(
      {
        CONNECT_ACCOUNT_KIND: 'standard',
        DUNNING_FINAL_ACTION: 'downgrade_to_free',
        DUNNING_FINAL_AFTER_DAYS: '2',
      },
      { freshDatabase: true },
    );
    pro = await proPlan(p);
    free = (await defaultFreePlan(p.t)).id;
  });
  afterAll(() => p?.close());

  /** the requests that updated the invoice (auto_advance=false), in order */
  const stopCalls = async (invoice: string) =>
    (
      (await (await fetch(`${p.sandbox.url}/_sandbox/requests?path=/v1/invoices/${invoice}`)).json()) as {
        data: { method: string; path: string; idempotency_key: string; replayed: boolean }[];
      }
    ).data.filter((r) => r.method === 'POST' && r.path === `/v1/invoices/${invoice}`);

  const caseOf = async (tenantId: string) =>
    (
      await systemRows<{
        delay_seconds: number;
        opened_at: Date;
        suspend_at: Date;
        attempts_made: number;
        phase: string;
        outcome: string | null;
        interrupted_at: Date | null;
      }>(
        p.t.database,
        `select delay_seconds, opened_at, suspend_at, attempts_made, phase, outcome, interrupted_at from dunning_cases
           where tenant_id = '${tenantId}'`,
      )
    )[0]!;

  it('an attempt Stripe answers 500 does not count; retried later under the next retry number, dates moved', async () => {
    const { tenant, clock, customer, saved } = await failedRenewal(p, pro, 'Dunning outage', [
      'pm_card_chargeCustomerFail',
    ]);
    const [invoice] = (await p.stripe.invoices.list({ customer, status: 'open' })).data;
    const fault = await fetch(`${p.sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'error', path: `/v1/invoices/${invoice!.id}/pay`, count: 5 }),
    });
    expect(fault.status).toBe(200);
    await advance(p, clock, FAILED_AT + DAY + 60);
    await waitFor(
      async () => (await attempts(p, tenant)).some((a) => a.status === 'unavailable'),
      'the attempt unanswered',
      pipelineState(p),
    );
    await fetch(`${p.sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    expect((await caseOf(tenant.id)).attempts_made).toBe(0);
    expect((await mails(p, tenant)).map((m) => m.template)).toEqual(['plan_payment_failed']);

    // an hour later (Stripe's time): the invoice is read (still open), then a new call
    await advance(p, clock, FAILED_AT + DAY + 2 * 3600);
    await waitFor(
      async () => (await mails(p, tenant)).some((m) => m.template === 'plan_attempt_failed'),
      'attempt 1 failed',
      pipelineState(p),
    );
    expect((await attempts(p, tenant)).map((a) => [a.number, a.payment_method, a.retry, a.status])).toEqual([
      [1, saved[0], 0, 'unavailable'],
      [1, saved[0], 1, 'failed'],
    ]);
    const c = await caseOf(tenant.id);
    expect(c.attempts_made).toBe(1);
    // the delay: from the unanswered call (day 1 + 60 s) to the answered one (day 1 + 2 h)
    expect(c.delay_seconds).toBe(2 * 3600 - 60);
    expect(new Date(c.suspend_at).getTime() - new Date(c.opened_at).getTime()).toBe(
      (7 * DAY + c.delay_seconds) * 1000,
    );
    expect(await stateOf(p, tenant)).toBe('past_due');
  }, 180_000);

  it('a pay call refused as still in flight (409 idempotency_key_in_use) is no decline: the same key is sent again later', async () => {
    const { tenant, clock, customer, saved } = await failedRenewal(p, pro, 'Dunning key in use', [
      'pm_card_chargeCustomerFail',
    ]);
    const [invoice] = (await p.stripe.invoices.list({ customer, status: 'open' })).data;
    const payPath = `/v1/invoices/${invoice!.id}/pay`;
    await fetch(`${p.sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // the worker's client sends a call three times (STRIPE_WORKER_MAX_NETWORK_RETRIES=2): each is refused
      body: JSON.stringify({ type: 'key_in_use', path: payPath, count: 3 }),
    });
    await advance(p, clock, FAILED_AT + DAY + 60);
    await waitFor(
      async () => (await caseOf(tenant.id)).interrupted_at !== null,
      'the attempt interrupted',
      pipelineState(p),
    );
    await fetch(`${p.sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    expect((await attempts(p, tenant)).map((a) => [a.number, a.payment_method, a.retry, a.status])).toEqual([
      [1, saved[0], 0, 'pending'],
    ]);
    expect((await caseOf(tenant.id)).attempts_made).toBe(0);
    expect((await mails(p, tenant)).map((m) => m.template)).toEqual(['plan_payment_failed']);

    await advance(p, clock, FAILED_AT + DAY + 2 * 3600);
    await waitFor(
      async () => (await mails(p, tenant)).some((m) => m.template === 'plan_attempt_failed'),
      'attempt 1 failed',
      pipelineState(p),
    );
    const rows = await attempts(p, tenant);
    expect(rows.map((a) => [a.number, a.payment_method, a.retry, a.status])).toEqual([
      [1, saved[0], 0, 'failed'],
    ]);
    expect(rows[0]!.decline_code).not.toBe('idempotency_key_in_use');
    const log = (await (await fetch(`${p.sandbox.url}/_sandbox/requests?path=${payPath}`)).json()) as {
      data: { idempotency_key: string }[];
    };
    expect(new Set(log.data.map((r) => r.idempotency_key)).size).toBe(1);
  }, 180_000);

  it("a 500 Stripe keeps under the key of taking the invoice off its retries holds the case up an hour, not Stripe's 24", async () => {
    const { tenant, clock, customer } = await failedRenewal(
      p,
      pro,
      'Dunning stored 500',
      ['pm_card_chargeCustomerFail'],
      async () => {
        // the first POST to an invoice after the renewal fails is dunning's auto_advance=false
        const fault = await fetch(`${p.sandbox.url}/_sandbox/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'stored_error', path: '/v1/invoices/in_', method: 'POST', count: 1 }),
        });
        expect(fault.status).toBe(200);
      },
      { waitForFailureMail: false },
    );
    const [invoice] = (await p.stripe.invoices.list({ customer, status: 'open' })).data;
    // the first run's call and its retries (the SDK's, the job's) answered the kept 500
    await waitFor(
      async () => (await stopCalls(invoice!.id!)).filter((r) => r.replayed).length >= 1,
      'the kept 500 replayed',
      pipelineState(p),
    );
    expect((await mails(p, tenant)).map((m) => m.template)).toEqual([]);
    // an hour later (Stripe's time) the call goes out under the next hour's key
    await advance(p, clock, FAILED_AT + 3600 + 60);
    await waitFor(
      async () => (await mails(p, tenant)).some((m) => m.template === 'plan_payment_failed'),
      'the failure e-mail',
      pipelineState(p),
    );
    expect(new Set((await stopCalls(invoice!.id!)).map((r) => r.idempotency_key)).size).toBe(2);
  }, 180_000);

  it("a suspended tenant's plan ended another way: the case ends, what it owed is written off, the restrictions lift", async () => {
    const { tenant, clock, customer } = await failedRenewal(p, pro, 'Dunning ended', [
      'pm_card_chargeCustomerFail',
    ]);
    for (const day of [1, 3, 5, 7]) await advance(p, clock, FAILED_AT + day * DAY + 60);
    await waitFor(async () => (await stateOf(p, tenant)) === 'suspended', 'suspended', pipelineState(p));
    // the platform cancels the plan at Stripe (its dashboard, its app)
    const [sub] = (await p.stripe.subscriptions.list({ customer })).data;
    await p.stripe.subscriptions.cancel(sub!.id);
    await advance(p, clock, FAILED_AT + 7 * DAY + 3600);
    await waitFor(
      async () => (await caseOf(tenant.id)).phase === 'closed',
      'the case closed',
      pipelineState(p),
    );
    expect((await caseOf(tenant.id)).outcome).toBe('ended');
    await waitFor(
      async () => (await stateOf(p, tenant)) === 'active',
      'the restrictions lifted',
      pipelineState(p),
    );
    await waitFor(
      async () => (await p.stripe.invoices.list({ customer, status: 'uncollectible' })).data.length === 1,
      'the unpaid renewal written off',
      pipelineState(p),
    );
    expect((await p.stripe.invoices.list({ customer, status: 'open' })).data).toEqual([]);
  }, 180_000);

  it('downgrade_to_free after the suspension: the subscription canceled, the debt written off, the tenant on the free plan, active', async () => {
    const { tenant, clock, customer } = await failedRenewal(p, pro, 'Dunning final', [
      'pm_card_chargeCustomerFail',
    ]);
    for (const day of [1, 3, 5, 7]) await advance(p, clock, FAILED_AT + day * DAY + 60);
    await waitFor(async () => (await stateOf(p, tenant)) === 'suspended', 'suspended', pipelineState(p));
    await advance(p, clock, FAILED_AT + 9 * DAY + 120);
    await waitFor(
      async () => (await caseOf(tenant.id)).phase === 'closed',
      'the final action',
      pipelineState(p),
    );
    expect(await caseOf(tenant.id)).toMatchObject({ outcome: 'downgraded', attempts_made: 3 });
    const [row] = await systemRows<{ plan_id: string; state: string; stripe_subscription_id: string | null }>(
      p.t.database,
      `select plan_id, state, stripe_subscription_id from tenant_billing where tenant_id = '${tenant.id}'`,
    );
    expect(row).toEqual({ plan_id: free, state: 'active', stripe_subscription_id: null });
    // what the case owed is written off: nothing collects it any more, nor could paying it restore the plan
    await waitFor(
      async () => (await p.stripe.invoices.list({ customer, status: 'uncollectible' })).data.length === 1,
      'the unpaid renewal marked uncollectible',
      pipelineState(p),
    );
    expect((await p.stripe.invoices.list({ customer, status: 'open' })).data).toEqual([]);
  }, 180_000);
});
