import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthOf } from '../../src/analytics/months.ts';
import { analyticsInputs } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { fromPublicId } from '../../src/http/ids.ts';
import { bearer, createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { connectTenant, paidPayment, tenantApi } from '../helpers/payments.ts';

/**
 * The fee reports' shape (definitions, as_of, CSV) and the operator's unit economics inputs (platform only,
 * audited, out of every tenant's reach). The figures come from a real payment and refund on the sandbox,
 * whose application fee the refund's answer books (no worker runs here).
 */
describe('fee reports and analytics inputs', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let paymentId: string;
  const month = monthOf(new Date());

  beforeAll(async () => {
    t = await startTestApp({
      env: { CONNECT_ACCOUNT_KIND: 'standard', PLATFORM_FEE_BPS: '100', PLATFORM_FEE_FIXED: '{"usd":30}' },
    });
    tenant = await createTestTenant(t, 'Fee routes');
    await connectTenant(t, tenant);
    const api = tenantApi(t, tenant);
    const { payment } = await paidPayment(api, 'fee-routes@example.com', 'pm_card_visa', 10_000);
    paymentId = payment.id;
    const refund = await api('POST', `/payments/${payment.id}/refunds`, {
      amount: 4_000,
      refund_application_fee: true,
    });
    expect(refund.statusCode, refund.body).toBe(200);
  });
  afterAll(() => t.close());

  const get = (url: string, key: string, accept?: string) =>
    t.app.inject({ method: 'GET', url, headers: { ...bearer(key), ...(accept ? { accept } : {}) } });

  it('each report says what each figure means, and when it was read', async () => {
    const before = Math.floor(Date.now() / 1000);
    const own = await get(`/v1/tenants/${tenant.publicId}/analytics/fees?currency=usd`, tenant.key);
    expect(own.statusCode, own.body).toBe(200);
    const body = own.json();
    expect(body).toMatchObject({ object: 'fee_report', tenant: tenant.publicId, to: month, currency: 'usd' });
    expect(body.as_of).toBeGreaterThanOrEqual(before);
    // twelve months by default, the month in progress last
    expect(body.data).toHaveLength(12);
    const row = body.data.at(-1);
    expect(row).toMatchObject({ month, fees_paid: { amount: 78, currency: 'usd' } });
    for (const field of Object.keys(row).filter((k) => k !== 'month' && k !== 'currency'))
      expect(body.definitions[field], field).toEqual(expect.any(String));

    const all = (await get(`/v1/analytics/fees?from=${month}&to=${month}`, t.platformKey)).json();
    expect(all.tenant).toBeNull();
    for (const field of Object.keys(all.data[0]).filter((k) => k !== 'month' && k !== 'currency'))
      expect(all.definitions[field], field).toEqual(expect.any(String));
  });

  it('CSV with Accept: text/csv — one line per month and currency, amounts in minor units', async () => {
    const own = await get(
      `/v1/tenants/${tenant.publicId}/analytics/fees?from=${month}&to=${month}&currency=usd`,
      tenant.key,
      'text/csv',
    );
    expect(own.statusCode, own.body).toBe(200);
    expect(own.headers['content-type']).toMatch(/^text\/csv/);
    const [header, line, end] = own.body.split('\r\n');
    expect(end).toBe('');
    const cells = Object.fromEntries(header!.split(',').map((h, i) => [h, line!.split(',')[i]]));
    expect(cells).toMatchObject({
      month,
      currency: 'usd',
      payment_volume: '10000',
      refunded_volume: '4000',
      net_volume: '6000',
      fees_paid: '78',
      fee_rate_percent: '1.30',
      fee_rate_numerator: '78',
      fee_rate_denominator: '6000',
    });

    const all = await get(
      `/v1/analytics/fees?from=${month}&to=${month}&currency=eur`,
      t.platformKey,
      'text/csv',
    );
    expect(all.statusCode, all.body).toBe(200);
    const [h, l] = all.body.split('\r\n');
    expect(h).toContain('take_rate_percent');
    const grouped = await get(
      `/v1/analytics/fees?from=${month}&to=${month}&group_by=tenant`,
      t.platformKey,
      'text/csv',
    );
    const [gh, ...lines] = grouped.body.split('\r\n');
    expect(gh!.split(',')[0]).toBe('tenant');
    // other tenants of the same database have their own lines
    const mine = lines.find((l) => l.startsWith(`${tenant.publicId},`));
    expect(mine!.split(',').slice(0, 3)).toEqual([tenant.publicId, month, 'usd']);
    expect(l!.split(',').slice(0, 2)).toEqual([month, 'eur']);
    // no volume in euros: the tenant's fee rate has no value, its cells are empty
    const euros = await get(
      `/v1/tenants/${tenant.publicId}/analytics/fees?from=${month}&to=${month}&currency=eur`,
      tenant.key,
      'text/csv',
    );
    const [eh, el] = euros.body.split('\r\n');
    const row = Object.fromEntries(eh!.split(',').map((k, i) => [k, el!.split(',')[i]]));
    expect(row).toMatchObject({
      currency: 'eur',
      net_volume: '0',
      fee_rate_percent: '',
      fee_rate_numerator: '',
    });
  });

  it('the operator sets a month’s inputs, each change audited; a field left out stays, null clears it', async () => {
    const post = (payload: object) =>
      t.app.inject({ method: 'POST', url: '/v1/analytics/inputs', headers: bearer(t.platformKey), payload });
    const first = await post({
      month: '2019-06',
      currency: 'usd',
      marketing_spend: 50_000,
      fixed_costs: 200_000,
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      object: 'analytics_inputs',
      month: '2019-06',
      currency: 'usd',
      marketing_spend: { amount: 50_000, currency: 'usd' },
      fixed_costs: { amount: 200_000, currency: 'usd' },
      cost_of_revenue: null,
      cash_balance: null,
    });
    const second = await post({ month: '2019-06', currency: 'USD', cash_balance: -1_000, fixed_costs: null });
    expect(second.json()).toMatchObject({
      marketing_spend: { amount: 50_000, currency: 'usd' },
      fixed_costs: null,
      cash_balance: { amount: -1_000, currency: 'usd' },
    });
    await post({ month: '2019-07', currency: 'jpy', cost_of_revenue: 9_000 });

    const list = await get('/v1/analytics/inputs?from=2019-06&to=2019-08', t.platformKey);
    expect(
      list.json().data.map((r: { month: string; currency: string }) => `${r.month} ${r.currency}`),
    ).toEqual(['2019-06 usd', '2019-07 jpy']);
    const jpy = await get('/v1/analytics/inputs?from=2019-06&to=2019-08&currency=jpy', t.platformKey);
    expect(jpy.json().data).toHaveLength(1);

    const empty = await post({ month: '2019-08', currency: 'usd' });
    expect(empty.statusCode).toBe(400);
    // at least one figure: the first is named as the one missing
    expect(empty.json().error).toMatchObject({ code: 'parameter_missing', param: 'marketing_spend' });
    const negative = await post({ month: '2019-08', currency: 'usd', marketing_spend: -5 });
    expect(negative.json().error).toMatchObject({ code: 'parameter_invalid', param: 'marketing_spend' });

    const audit = (await get('/v1/audit_log?limit=100', t.platformKey)).json().data as {
      action: string;
      data: Record<string, unknown>;
    }[];
    // (the route suites sharing this database audit theirs, for another month)
    const changes = audit.filter(
      (a) => a.action === 'analytics.inputs_updated' && String(a.data.month).startsWith('2019-'),
    );
    expect(changes).toHaveLength(3);
    expect(changes.map((c) => c.data)).toContainEqual({
      month: '2019-06',
      currency: 'usd',
      cash_balance: -1_000,
      fixed_costs: null,
    });
  });

  it("no tenant context reads or writes the operator's inputs", async () => {
    const seen = await withTenant(t.database.db, tenant.id, (tx) => tx.select().from(analyticsInputs));
    expect(seen).toEqual([]);
    await expect(
      withTenant(t.database.db, tenant.id, (tx) =>
        tx.insert(analyticsInputs).values({ month: '2019-09-01', currency: 'usd', marketingSpend: 1 }),
      ),
    ).rejects.toThrow();
    // the tenant's own key and its owner's powers reach no platform route
    const refused = await get('/v1/analytics/inputs', tenant.key);
    expect(refused.statusCode).toBe(403);
  });

  it('fee differences: a payment whose booked fee or fee refunds are not the schedule’s is listed, with why', async () => {
    const differences = async () => {
      const res = await get(`/v1/analytics/fee_differences?from=${month}&to=${month}`, t.platformKey);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().data.filter((d: { tenant: string }) => d.tenant === tenant.publicId);
    };
    // as booked: $1.30 of fee, $0.52 given back, both as the schedule set them
    expect(await differences()).toEqual([]);
    const uuid = fromPublicId('payment', paymentId)!;
    const onPayment = (statement: string) =>
      withTenant(t.database.db, tenant.id, (tx) => tx.execute(sql.raw(statement.replace('$payment', uuid))));
    // a fee topped up after the charge (by a transfer reversal) is the schedule's too, unless not all of it came
    await onPayment(`update payments set fee_top_up = 20 where id = '$payment'`);
    expect(await differences()).toEqual([]);
    await onPayment(`update payments set fee_top_up_uncollected = 5 where id = '$payment'`);
    expect(await differences()).toEqual([
      expect.objectContaining({
        schedule_fee: 150,
        application_fee_amount: 130,
        fee_top_up: 20,
        fee_top_up_uncollected: 5,
        booked_fee: 130,
        difference: -5,
        reason: 'fee_differs',
      }),
    ]);
    await onPayment(`update payments set fee_top_up = 0, fee_top_up_uncollected = 0 where id = '$payment'`);
    // a fee refund Stripe made whose balance transaction was never read
    await onPayment(
      `delete from fee_balance_transactions where payment_id = '$payment' and type = 'application_fee_refund'`,
    );
    expect(await differences()).toEqual([
      expect.objectContaining({
        payment: paymentId,
        currency: 'usd',
        schedule_fee: 130,
        booked_fee: 130,
        difference: 0,
        fee_refunded: 52,
        fee_refunds_booked: 0,
        reason: 'fee_refunds_differ',
      }),
    ]);
    // Stripe booked less than the schedule asked for
    await onPayment(
      `update fee_balance_transactions set amount = 100 where payment_id = '$payment' and type = 'application_fee'`,
    );
    expect(await differences()).toEqual([
      expect.objectContaining({ booked_fee: 100, difference: -30, reason: 'fee_differs' }),
    ]);
    // booked in another currency than the payment's
    await onPayment(
      `update fee_balance_transactions set currency = 'eur' where payment_id = '$payment' and type = 'application_fee'`,
    );
    expect(await differences()).toEqual([
      expect.objectContaining({ booked_fee: null, reason: 'other_currency' }),
    ]);
    await onPayment(
      `delete from fee_balance_transactions where payment_id = '$payment' and type = 'application_fee'`,
    );
    expect(await differences()).toEqual([
      expect.objectContaining({ booked_fee: null, difference: null, reason: 'not_booked' }),
    ]);
    // the platform's alone
    const refused = await get(`/v1/analytics/fee_differences`, tenant.key);
    expect(refused.statusCode).toBe(403);
  });

  it('months from 2000-01 to 2999-12 only: a year beyond is a 400, never a 500', async () => {
    for (const url of [
      '/v1/analytics/fees?from=9999-12&to=9999-12',
      '/v1/analytics/unit_economics?from=9999-12&to=9999-12',
      '/v1/analytics/fee_differences?to=9999-12',
      `/v1/tenants/${tenant.publicId}/analytics/fees?from=9999-12&to=9999-12`,
      '/v1/analytics/summary?month=9999-12',
      '/v1/analytics/summary?month=0000-01',
    ]) {
      const res = await get(url, t.platformKey);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(res.json().error.code, url).toBe('parameter_invalid');
    }
  });
});
