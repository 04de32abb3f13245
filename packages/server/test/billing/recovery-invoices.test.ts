import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoveryToken } from '../../src/billing/recovery/token.ts';
import { bearer } from '../helpers/app.ts';
import { tenantApi } from '../helpers/payments.ts';
import { type Pipeline, pipelineState, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';
import { advance, DAY, FAILED_AT, failedRenewal, proPlan, stateOf } from './dunning-fixtures.ts';

/**
 * A case owing two invoices on the recovery page: the May renewal failed, the tenant was suspended, and the
 * June renewal failed too and joined the case. The page lists both, oldest first, and owes their sum; paying
 * June first is refused (409 recovery_invoice_not_oldest); paying May leaves the tenant suspended; paying June
 * then makes it active in that answer.
 */
describe('recovery: several invoices owed', () => {
  let p: Pipeline;
  let pro: string;

  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'standard' }, { freshDatabase: true });
    pro = await proPlan(p);
  });
  afterAll(() => p?.close());

  const pay = (token: string, invoice: string, pm: string) =>
    p.t.app.inject({
      method: 'POST',
      url: '/v1/recovery/pay',
      headers: { ...bearer(token), 'idempotency-key': randomUUID() },
      payload: { invoice, payment_method: pm },
    });

  it('pays them oldest first; the tenant is active once the last is paid, in that answer', async () => {
    const { tenant, clock, customer } = await failedRenewal(p, pro, 'Recovery two invoices', [
      'pm_card_chargeCustomerFail',
    ]);
    const [may] = (await p.stripe.invoices.list({ customer, status: 'open' })).data;
    // past the suspension and the June 1 renewal, which fails as well and joins the case
    await advance(p, clock, FAILED_AT + 31 * DAY);
    const joined = await waitFor(
      async () => {
        const [c] = await systemRows<{ joined_invoices: { id: string }[]; phase: string }>(
          p.t.database,
          `select joined_invoices, phase from dunning_cases where tenant_id = '${tenant.id}'`,
        );
        return c?.phase === 'suspended' && c.joined_invoices.length === 1 ? c.joined_invoices[0]!.id : null;
      },
      'the June renewal joined the suspended case',
      pipelineState(p),
    );
    await waitFor(
      async () =>
        (
          await systemRows<{ status: string }>(
            p.t.database,
            `select status from platform_invoices where id = '${joined}'`,
          )
        )[0]?.status === 'open' || null,
      'the June invoice mirrored',
    );
    // a card that pays, saved without a setup page (so no attempt is made with it on its own)
    const good = await p.stripe.paymentMethods.attach('pm_card_visa', { customer });
    const token = recoveryToken(p.t.config, tenant.id);

    const summary = await p.t.app.inject({ method: 'GET', url: '/v1/recovery', headers: bearer(token) });
    expect(summary.json()).toMatchObject({ state: 'suspended', amount_owed: 20_000, currency: 'usd' });
    expect(summary.json().invoices.map((i: { id: string }) => i.id)).toEqual([may!.id, joined]);
    const banner = await tenantApi(p.t, tenant)('GET', '/billing/recovery');
    expect(banner.json()).toMatchObject({ state: 'suspended', amount_owed: 20_000 });

    const later = await pay(token, joined, good.id);
    expect(later.statusCode, later.body).toBe(409);
    expect(later.json().error).toMatchObject({ code: 'recovery_invoice_not_oldest', param: 'invoice' });
    expect((await p.stripe.invoices.retrieve(joined)).status).toBe('open');

    const first = await pay(token, may!.id!, good.id);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ status: 'paid', state: 'suspended', invoice: { id: may!.id } });
    const left = await p.t.app.inject({ method: 'GET', url: '/v1/recovery', headers: bearer(token) });
    expect(left.json()).toMatchObject({ state: 'suspended', amount_owed: 10_000 });
    expect(left.json().invoices.map((i: { id: string }) => i.id)).toEqual([joined]);

    const last = await pay(token, joined, good.id);
    expect(last.statusCode, last.body).toBe(200);
    expect(last.json()).toMatchObject({ status: 'paid', state: 'active', invoice: { id: joined } });
    expect(await stateOf(p, tenant)).toBe('active');
    const done = await p.t.app.inject({ method: 'GET', url: '/v1/recovery', headers: bearer(token) });
    expect(done.json()).toMatchObject({ state: 'active', amount_owed: 0, invoices: [] });
  }, 240_000);
});
