import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../helpers/app.ts';
import { type Pipeline, pipelineState, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';
import {
  advance,
  DAY,
  FAILED_AT,
  failedRenewal,
  mails,
  PAYMENT_FAILED_AT,
  proPlan,
  stateOf,
} from './dunning-fixtures.ts';

/**
 * The operator's dunning routes on real failed renewals (May 1 2027, on the sandbox's test clocks): the list
 * and a case with its attempts, retry now once a working card is saved, extend (refused once suspended or
 * closed), mark paid out of band back to active, each audited in the tenant's log; tenant keys refused.
 */
describe('operator dunning', () => {
  let p: Pipeline;
  let pro: string;

  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'standard' }, { freshDatabase: true });
    pro = await proPlan(p);
  }, 60_000);
  afterAll(() => p?.close());

  const call = (method: 'GET' | 'POST', url: string, body?: object, key = p.t.platformKey) =>
    p.t.app.inject({
      method,
      url,
      headers: { ...bearer(key), ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}) },
      ...(body ? { payload: body } : {}),
    });
  const caseOf = async (tenantPublicId: string, query = '') => {
    const res = await call('GET', `/v1/billing/dunning?limit=100${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().data as { id: string; tenant: { id: string } }[]).find(
      (c) => c.tenant.id === tenantPublicId,
    );
  };
  const audit = (tenantId: string) =>
    systemRows<{ action: string; actor_type: string; data: Record<string, unknown> }>(
      p.t.database,
      `select action, actor_type, data from audit_log where tenant_id = '${tenantId}'
         and action like 'billing.dunning_%' and actor_type <> 'system' order by created_at, id`,
    );

  it('lists the case, shows its attempts, extends it, and retry now pays once a working card is saved', async () => {
    const { tenant, customer } = await failedRenewal(p, pro, 'Operator retry', [
      'pm_card_chargeCustomerFail',
    ]);
    const listed = (await caseOf(tenant.publicId)) as Record<string, unknown> | undefined;
    expect(listed).toMatchObject({
      object: 'dunning_case',
      tenant: { id: tenant.publicId, name: 'Operator retry' },
      phase: 'past_due',
      amount_owed: 10_000,
      currency: 'usd',
      attempts_made: 0,
      attempts_total: 3,
      next_attempt_at: PAYMENT_FAILED_AT + DAY,
      suspend_at: PAYMENT_FAILED_AT + 7 * DAY,
    });
    expect(listed!.attempts).toBeUndefined();
    expect(await caseOf(tenant.publicId, '&phase=warning')).toBeUndefined();
    expect(await caseOf(tenant.publicId, '&status=closed')).toBeUndefined();
    const url = `/v1/billing/dunning/${listed!.id}`;

    // the card still fails: the attempt is shown, the case unchanged
    const failed = await call('POST', `${url}/retry`);
    expect(failed.statusCode, failed.body).toBe(200);
    expect(failed.json()).toMatchObject({ phase: 'past_due', attempts_made: 0 });
    expect(failed.json().attempts).toEqual([
      expect.objectContaining({ object: 'dunning_attempt', scheduled: false, outcome: 'failed' }),
    ]);
    expect(failed.json().attempts[0].decline_code).toBeTruthy();
    const shown = await call('GET', url);
    expect(shown.json().attempts).toEqual(failed.json().attempts);
    // retry now again with the same card: a new call at Stripe (a new attempt), not the first one's decline
    // replayed under its key
    const twice = await call('POST', `${url}/retry`);
    expect(twice.statusCode, twice.body).toBe(200);
    expect(twice.json().attempts).toHaveLength(2);
    expect(new Set(twice.json().attempts.map((a: { number: number }) => a.number)).size).toBe(2);

    const extended = await call('POST', `${url}/extend`, { days: 3, note: 'Promised to pay Friday' });
    expect(extended.statusCode, extended.body).toBe(200);
    expect(extended.json()).toMatchObject({
      phase: 'past_due',
      next_attempt_at: PAYMENT_FAILED_AT + 4 * DAY,
      suspend_at: PAYMENT_FAILED_AT + 10 * DAY,
    });

    await p.stripe.paymentMethods.attach('pm_card_visa', { customer });
    const paid = await call('POST', `${url}/retry`);
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toMatchObject({ phase: 'closed', outcome: 'recovered' });
    expect(paid.json().attempts.map((a: { outcome: string }) => a.outcome)).toContain('succeeded');
    expect(await stateOf(p, tenant)).toBe('active');
    expect(await caseOf(tenant.publicId)).toBeUndefined();
    expect(await caseOf(tenant.publicId, '&status=closed')).toBeDefined();

    const again = await call('POST', `${url}/extend`, { days: 1, note: 'late' });
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json().error.code).toBe('dunning_case_closed');
    const log = await audit(tenant.id);
    expect(log.map((e) => e.action)).toEqual([
      'billing.dunning_retried',
      'billing.dunning_retried',
      'billing.dunning_extended',
      'billing.dunning_retried',
    ]);
    expect(log[2]!.data).toMatchObject({ days: 3, note: 'Promised to pay Friday' });
    expect(log[3]!.data).toMatchObject({ recovered: true });
  }, 180_000);

  it('a suspended case is not extended; marked paid out of band it settles to active, audited', async () => {
    const { tenant, clock, customer } = await failedRenewal(p, pro, 'Operator mark paid', [
      'pm_card_chargeCustomerFail',
    ]);
    await advance(p, clock, FAILED_AT + 7 * DAY + 60);
    await waitFor(async () => (await stateOf(p, tenant)) === 'suspended', 'suspended', pipelineState(p));
    const c = (await caseOf(tenant.publicId, '&phase=suspended')) as Record<string, unknown> | undefined;
    expect(c).toMatchObject({ phase: 'suspended', attempts_made: 3 });
    const url = `/v1/billing/dunning/${c!.id}`;
    expect((await call('GET', url)).json().attempts).toHaveLength(3);

    const refused = await call('POST', `${url}/extend`, { days: 5, note: 'Too late' });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().error.code).toBe('dunning_case_suspended');

    const noKey = await p.t.app.inject({
      method: 'POST',
      url: `${url}/mark_paid`,
      headers: bearer(p.t.platformKey),
      payload: { note: 'x' },
    });
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().error.code).toBe('idempotency_key_required');

    const paid = await call('POST', `${url}/mark_paid`, { note: 'Wire transfer ref 42' });
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toMatchObject({ phase: 'closed', outcome: 'recovered' });
    expect(await stateOf(p, tenant)).toBe('active');
    const [invoice] = (await p.stripe.invoices.list({ customer, limit: 1 })).data;
    expect(invoice).toMatchObject({ status: 'paid', id: c!.invoice });
    await waitFor(
      async () => (await mails(p, tenant)).at(-1)?.template === 'plan_recovered',
      'the recovered e-mail',
    );
    const log = await audit(tenant.id);
    expect(log.map((e) => e.action)).toEqual(['billing.dunning_marked_paid']);
    expect(log[0]!.data).toMatchObject({ note: 'Wire transfer ref 42', settled: true, invoice: c!.invoice });
    expect(log[0]!.actor_type).not.toBe('system');

    const twice = await call('POST', `${url}/mark_paid`, { note: 'again' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('dunning_case_closed');
  }, 180_000);

  it("refuses tenants' keys and unknown cases", async () => {
    const { tenant } = await failedRenewal(p, pro, 'Operator refused', ['pm_card_chargeCustomerFail']);
    const c = await caseOf(tenant.publicId);
    for (const [method, path, body] of [
      ['GET', '/v1/billing/dunning', undefined],
      ['GET', `/v1/billing/dunning/${c!.id}`, undefined],
      ['POST', `/v1/billing/dunning/${c!.id}/retry`, undefined],
      ['POST', `/v1/billing/dunning/${c!.id}/extend`, { days: 2, note: 'mine' }],
      ['POST', `/v1/billing/dunning/${c!.id}/mark_paid`, { note: 'mine' }],
    ] as const) {
      const res = await call(method, path, body, tenant.key);
      expect(res.statusCode, `${method} ${path}`).toBe(403);
    }
    expect((await call('GET', '/v1/billing/dunning/dun_00000000000000000000000000000000')).statusCode).toBe(
      404,
    );
    expect((await call('GET', '/v1/billing/dunning/plan_00000000000000000000000000000000')).statusCode).toBe(
      404,
    );
    expect(await stateOf(p, tenant)).toBe('past_due');
  }, 120_000);
});
