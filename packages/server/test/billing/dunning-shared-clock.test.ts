import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, pipelineState, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';
import { APR_1, advance, DAY, FAILED_AT, mails, onPlanSinceApril, proPlan } from './dunning-fixtures.ts';

/**
 * Several tenants' billing customers on one test clock: the clock's `ready` event is routed to one tenant,
 * yet every open case on that clock runs what fell due.
 */
describe('dunning: tenants sharing a test clock', () => {
  let p: Pipeline;
  let pro: string;

  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'standard' }, { freshDatabase: true });
    pro = await proPlan(p);
  });
  afterAll(() => p?.close());

  const attemptsMade = async (tenantId: string) => {
    const [row] = await systemRows<{ attempts_made: number }>(
      p.t.database,
      `select attempts_made from dunning_cases where tenant_id = '${tenantId}'`,
    );
    return row?.attempts_made ?? null;
  };

  it("the day-1 attempt is made for every tenant's case on the clock", async () => {
    const clock = (await p.stripe.testHelpers.testClocks.create({ frozen_time: APR_1 })).id;
    const dunned = [];
    for (const name of ['Shared clock A', 'Shared clock B']) {
      const { tenant, customer, card } = await onPlanSinceApril(p, pro, name, clock);
      const failing = await p.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer });
      await p.stripe.customers.update(customer, { invoice_settings: { default_payment_method: failing.id } });
      await p.stripe.paymentMethods.detach(card);
      dunned.push(tenant);
    }
    await advance(p, clock, FAILED_AT);
    for (const tenant of dunned)
      await waitFor(
        async () => (await mails(p, tenant)).some((m) => m.template === 'plan_payment_failed'),
        `${tenant.publicId}'s failure e-mail`,
        pipelineState(p),
      );
    await advance(p, clock, FAILED_AT + DAY + 60);
    for (const tenant of dunned)
      await waitFor(
        async () => (await attemptsMade(tenant.id)) === 1,
        `${tenant.publicId}'s day-1 attempt`,
        pipelineState(p),
      );
    for (const tenant of dunned)
      expect((await mails(p, tenant)).map((m) => m.template)).toEqual([
        'plan_payment_failed',
        'plan_attempt_failed',
      ]);
  }, 180_000);
});
