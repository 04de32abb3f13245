import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordPlanSubscription } from '../../src/analytics/service.ts';
import type { Database } from '../../src/db/client.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { bearer, createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { createDatabase } from '../helpers/db.ts';
import { copy, DAY, event, T0 } from './capture-fixtures.ts';

// GET /v1/analytics/unit_economics: the operator's inputs, the platform's paid plan invoices and fee revenue,
// and the MRR engine's new customers and ARPA, per month and currency.

const FEB = T0 + 31 * DAY; // 2026-02-01

describe('GET /v1/analytics/unit_economics', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let database: Database;

  async function paidInvoice(tenant: TestTenant, id: string, paid: number, tax: number, at: number) {
    await withTenant(t.database.db, tenant.id, (tx) =>
      tx.execute(sql`insert into platform_invoices (id, tenant_id, stripe_customer_id, status, currency, subtotal,
          total, amount_due, amount_paid, amount_remaining, total_tax, taxes, lines, created_at, last_synced_at)
        values (${id}, ${tenant.id}::uuid, ${`cus_${id}`}, 'paid', 'usd', ${paid - tax}, ${paid}, ${paid}, ${paid},
          0, ${tax}, '[]'::jsonb, '[]'::jsonb, to_timestamp(${at}), now())`),
    );
  }

  beforeAll(async () => {
    // the platform's figures are every tenant's: a database of its own, so no other test's plans count
    database = await createDatabase();
    t = await startTestApp({ sandbox: false, database });
    a = await createTestTenant(t, 'Unit economics A');
    b = await createTestTenant(t, 'Unit economics B');
    // A pays its $100 plan from January 15, B from February 3
    await withTenant(t.database.db, a.id, (tx) =>
      recordPlanSubscription(
        tx,
        a.id,
        'cus_ue_a',
        event(copy('sub_ue_a', 'cus_ue_a', 10_000), T0 + 14 * DAY),
      ),
    );
    await withTenant(t.database.db, b.id, (tx) =>
      recordPlanSubscription(
        tx,
        b.id,
        'cus_ue_b',
        event(copy('sub_ue_b', 'cus_ue_b', 10_000), FEB + 2 * DAY),
      ),
    );
    // February's paid plan invoice: $110 with $10 of tax; an open one counts nothing
    await paidInvoice(b, 'in_ue_b1', 11_000, 1_000, FEB + 2 * DAY);
    await withTenant(t.database.db, a.id, (tx) =>
      tx.execute(sql`insert into platform_invoices (id, tenant_id, stripe_customer_id, status, currency, subtotal,
          total, amount_due, amount_paid, amount_remaining, taxes, lines, created_at, last_synced_at)
        values ('in_ue_open', ${a.id}::uuid, 'cus_ue_a', 'open', 'usd', 10000, 10000, 10000, 0, 10000,
          '[]'::jsonb, '[]'::jsonb, to_timestamp(${FEB + 5 * DAY}), now())`),
    );
    const inputs = await t.app.inject({
      method: 'POST',
      url: '/v1/analytics/inputs',
      headers: bearer(t.platformKey),
      payload: {
        month: '2026-02',
        currency: 'usd',
        marketing_spend: 50_000,
        fixed_costs: 200_000,
        cost_of_revenue: 2_000,
        cash_balance: 1_000_000,
      },
    });
    expect(inputs.statusCode, inputs.body).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await database?.close();
  });

  it('computes each month from the inputs, revenue and the MRR engine', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/analytics/unit_economics?from=2026-01&to=2026-02&currency=usd',
      headers: bearer(t.platformKey),
    });
    expect(res.statusCode, res.body).toBe(200);
    const [jan, feb] = res.json().data;
    expect(jan).toMatchObject({
      month: '2026-01',
      new_customers: 1,
      paying_customers: 1,
      subscription_revenue: 0,
      marketing_spend: null,
      cac: null,
      runway_months: null,
    });
    // revenue $100 (tax left out), cost of revenue $20: 80 % margin; $500 won one customer → CAC $500; at
    // ARPA $100 a customer brings $80 a month → 6.25 months; $2,000 fixed → 25 customers; burn $2,420
    expect(feb).toEqual({
      month: '2026-02',
      currency: 'usd',
      marketing_spend: 50_000,
      fixed_costs: 200_000,
      cost_of_revenue: 2_000,
      cash_balance: 1_000_000,
      subscription_revenue: 10_000,
      fee_revenue: 0,
      revenue: 10_000,
      stripe_fees: 0,
      new_customers: 1,
      paying_customers: 2,
      arpa: { numerator: '20000', denominator: '2', value: '10000.00' },
      cac: { numerator: '50000', denominator: '1', value: '50000.00' },
      gross_profit: 8_000,
      gross_margin: { numerator: '8000', denominator: '10000', percent: '80.00' },
      payback_months: expect.objectContaining({ value: '6.25' }),
      break_even_customers: expect.objectContaining({ value: '25.00' }),
      burn: 242_000,
      runway_months: { numerator: '1000000', denominator: '242000', value: '4.13' },
    });
    expect(res.json().definitions.cac).toMatch(/Marketing spend ÷ new customers/);
  });

  it("is the platform's alone", async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/analytics/unit_economics',
      headers: bearer(a.key),
    });
    expect(res.statusCode).toBe(403);
  });
});
