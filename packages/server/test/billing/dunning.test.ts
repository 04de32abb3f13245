import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, pipelineState, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';
import {
  advance,
  attempts,
  DAY,
  FAILED_AT,
  failedRenewal,
  mails,
  outbound,
  proPlan,
  stateOf,
} from './dunning-fixtures.ts';

/**
 * Dunning on the sandbox's test clocks through the real pipeline: a renewal that fails on May 1 2027, the
 * retries on days 1, 3 and 5 with every saved card, the warning after the last, the suspension on day 7, and
 * the recovery when the invoice is paid.
 */
describe('dunning', () => {
  let p: Pipeline;
  let pro: string;

  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'standard' }, { freshDatabase: true });
    pro = await proPlan(p);
  });
  afterAll(() => p?.close());

  const atDay = async (clock: string, day: number) => advance(p, clock, FAILED_AT + day * DAY + 60);

  it('the full timeline: failure, three failed attempts, warning, suspension on day 7, then recovery', async () => {
    const { tenant, clock, customer } = await failedRenewal(p, pro, 'Dunning timeline', [
      'pm_card_chargeCustomerFail',
    ]);
    const state = pipelineState(p);
    expect(await stateOf(p, tenant)).toBe('past_due');
    const [invoice] = (await p.stripe.invoices.list({ customer, status: 'open' })).data;
    expect(invoice).toMatchObject({ billing_reason: 'subscription_cycle', auto_advance: false });
    expect(invoice!.next_payment_attempt).toBeNull();

    for (const [day, n] of [
      [1, 1],
      [3, 2],
      [5, 3],
    ] as const) {
      await atDay(clock, day);
      await waitFor(
        async () => (await mails(p, tenant)).filter((m) => m.template === 'plan_attempt_failed').length === n,
        `attempt ${n} failed`,
        state,
      );
    }
    const attemptMails = (await mails(p, tenant)).filter((m) => m.template === 'plan_attempt_failed');
    expect(attemptMails.map((m) => m.subject)).toEqual([
      expect.stringContaining('attempt 1 of 3'),
      expect.stringContaining('attempt 2 of 3'),
      expect.stringContaining('attempt 3 of 3'),
    ]);
    expect(attemptMails[0]!.text).toContain('May 4, 2027');
    expect(attemptMails[2]!.text).toContain('suspended on May 8, 2027');
    expect(await stateOf(p, tenant)).toBe('warning');

    await atDay(clock, 6);
    expect(await stateOf(p, tenant)).toBe('warning');
    await atDay(clock, 7);
    await waitFor(async () => (await stateOf(p, tenant)) === 'suspended', 'suspended', state);
    const before = await mails(p, tenant);
    expect(before.map((m) => m.template)).toEqual([
      'plan_payment_failed',
      'plan_attempt_failed',
      'plan_attempt_failed',
      'plan_attempt_failed',
      'plan_suspended',
    ]);
    expect(before[0]!.text).toContain('$100.00');
    expect(before[0]!.text).toContain('the card was declined');
    // each attempt tried the one card, once
    expect((await attempts(p, tenant)).map((a) => [a.number, a.status, a.retry])).toEqual([
      [1, 'failed', 0],
      [2, 'failed', 0],
      [3, 'failed', 0],
    ]);

    // paid (as the recovery page would): active again, one more e-mail
    const good = await p.stripe.paymentMethods.attach('pm_card_visa', { customer });
    await p.stripe.invoices.pay(invoice!.id!, { payment_method: good.id, off_session: true });
    await waitFor(async () => (await stateOf(p, tenant)) === 'active', 'active again', state);
    await waitFor(async () => (await mails(p, tenant)).length === 6, 'the recovered e-mail', state);
    expect((await mails(p, tenant)).at(-1)!.template).toBe('plan_recovered');
    expect((await outbound(p, tenant)).map((e) => e.type)).toEqual([
      'tenant.billing.past_due',
      'tenant.billing.warning',
      'tenant.billing.suspended',
      'tenant.billing.recovered',
    ]);
    const [closed] = await systemRows<{ phase: string; outcome: string }>(
      p.t.database,
      `select phase, outcome from dunning_cases where tenant_id = '${tenant.id}'`,
    );
    expect(closed).toEqual({ phase: 'closed', outcome: 'recovered' });
  }, 240_000);

  it('two saved cards, the default failing: the day-1 attempt pays with the other', async () => {
    const { tenant, clock, customer } = await failedRenewal(p, pro, 'Dunning two cards', [
      'pm_card_chargeCustomerFail',
      'pm_card_visa',
    ]);
    await atDay(clock, 1);
    await waitFor(async () => (await stateOf(p, tenant)) === 'active', 'paid on day 1', pipelineState(p));
    const tried = await attempts(p, tenant);
    expect(tried.map((a) => a.status)).toEqual(['failed', 'succeeded']);
    const methods = (await p.stripe.customers.listPaymentMethods(customer)).data;
    const visa = methods.find((m) => m.card?.last4 === '4242')!;
    expect(tried[1]!.payment_method).toBe(visa.id);
    expect((await mails(p, tenant)).map((m) => m.template)).toEqual([
      'plan_payment_failed',
      'plan_recovered',
    ]);
  }, 120_000);
});
