import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, type TestTenant } from '../helpers/app.ts';
import { connectTenant } from '../helpers/payments.ts';
import { type Pipeline, startPipeline } from '../helpers/webhooks.ts';
import {
  advanceTo,
  billingSettings,
  DAY,
  FEB_1,
  HOUR,
  historyBySubscription,
  JAN_1,
  MAR_1,
  settled,
} from './capture-sandbox.ts';

// docs/analytics.md's worked example (issue 22's table), built for a tenant the way it would happen: its
// customers' subscriptions on its connected account, made and changed at the sandbox on one test clock, the
// MRR history captured from their real webhook events alone (never by inserting history rows), and every
// cell of the table read through the API the tenant's own key reads. The engine-only twin over the same
// history written by hand is worked-example.test.ts.

const utc = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;
const JUN_1_2026 = utc('2026-06-01');

interface Ratio {
  numerator: string;
  denominator: string;
  percent: string;
}
interface Period {
  period: string;
  mrr_start: number;
  mrr_end: number;
  arr: number;
  movements: Record<string, number>;
  customers: Record<string, number>;
  growth: Ratio | null;
  nrr: Ratio | null;
  grr: Ratio | null;
  gross_mrr_churn: Ratio | null;
  net_mrr_churn: Ratio | null;
  customer_churn: Ratio | null;
  customer_churn_voluntary: Ratio | null;
  customer_churn_involuntary: Ratio | null;
  arpa: number | null;
  ltv: number | null;
}

describe('the worked example, for a tenant, through the sandbox', () => {
  let p: Pipeline;
  let tenant: TestTenant;
  let acct: string;
  let clock: string;
  const on = () => ({ stripeAccount: acct });

  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'standard' }, { freshDatabase: true });
    tenant = await createTestTenant(p.t, 'Worked example');
    acct = await connectTenant(p.t, tenant);
    clock = (await p.stripe.testHelpers.testClocks.create({ frozen_time: JUN_1_2026 }, on())).id;
    // retries 1, 3, 5 and 7 days after a renewal first fails; still unpaid after the last, the subscription
    // becomes `unpaid`: E's renewal fails on Feb 15 and its service ends on Feb 22
    await billingSettings(p, { retry_days: [1, 3, 5, 7], final_subscription_status: 'unpaid' });
  });
  afterAll(() => p?.close());

  async function customer(name: string) {
    const cus = await p.stripe.customers.create({ name, test_clock: clock }, on());
    await useCard(cus.id, 'pm_card_visa');
    return cus.id;
  }
  async function useCard(cus: string, card: string) {
    const pm = await p.stripe.paymentMethods.attach(card, { customer: cus }, on());
    await p.stripe.customers.update(cus, { invoice_settings: { default_payment_method: pm.id } }, on());
    return pm.id;
  }
  async function price(name: string, amount: number, interval: 'month' | 'year') {
    const product = await p.stripe.products.create({ name }, on());
    return (
      await p.stripe.prices.create(
        { product: product.id, currency: 'usd', unit_amount: amount, recurring: { interval } },
        on(),
      )
    ).id;
  }
  const subscribe = (cus: string, params: Record<string, unknown>) =>
    p.stripe.subscriptions.create({ customer: cus, ...params } as never, on());
  /** Moves the clock a month at a time up to `to`, each step's renewals processed before the next. */
  async function advanceMonthly(from: number, to: number) {
    const d = new Date(from * 1000);
    for (;;) {
      d.setUTCMonth(d.getUTCMonth() + 1);
      const next = Math.min(d.getTime() / 1000, to);
      await advanceTo(p, clock, next, on());
      if (next === to) return;
    }
  }
  /** A change from `phases[0]` to `phases[1]` at the current period's end, as a subscription schedule. */
  async function atPeriodEnd(sub: string, from: string, to: string, start: number, end: number) {
    const schedule = await p.stripe.subscriptionSchedules.create({ from_subscription: sub }, on());
    await p.stripe.subscriptionSchedules.update(
      schedule.id,
      {
        end_behavior: 'release',
        proration_behavior: 'none',
        phases: [
          { items: [{ price: from }], start_date: start, end_date: end },
          { items: [{ price: to }], start_date: end },
        ],
      },
      on(),
    );
  }
  const get = (path: string) =>
    p.t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}/analytics/${path}`,
      headers: { authorization: `Bearer ${tenant.key}` },
    });

  it('every cell of the table, from the history its webhooks made', async () => {
    const pro = await price('Pro', 10_000, 'month');
    const enterprise = await price('Enterprise', 50_000, 'month');
    const proAnnual = await price('Pro-annual', 96_000, 'year');
    const free = await price('Free', 0, 'month');

    // Before the quarter: D (Jun 1) on Pro-annual, A (Oct 1) and B (Nov 5) on Pro, C (Dec 1) on Enterprise
    const dCus = await customer('D');
    const d = await subscribe(dCus, { items: [{ price: proAnnual }] });
    await advanceMonthly(JUN_1_2026, utc('2026-10-01'));
    const aCus = await customer('A');
    const a = await subscribe(aCus, { items: [{ price: pro }] });
    await advanceMonthly(utc('2026-10-01'), utc('2026-11-05'));
    const bCus = await customer('B');
    const b1 = await subscribe(bCus, { items: [{ price: pro }] });
    await advanceMonthly(utc('2026-11-05'), utc('2026-12-01'));
    const cCus = await customer('C');
    const c = await subscribe(cCus, { items: [{ price: enterprise }] });
    await advanceMonthly(utc('2026-12-01'), JAN_1 + 2 * HOUR);

    // January. Jan 5: B cancels at the period's end (Feb 5)
    await advanceTo(p, clock, JAN_1 + 4 * DAY, on());
    await p.stripe.subscriptions.update(b1.id, { cancel_at_period_end: true }, on());
    // Jan 10: A upgrades to Enterprise at once, prorated
    await advanceTo(p, clock, JAN_1 + 9 * DAY, on());
    await p.stripe.subscriptions.update(
      a.id,
      { items: [{ id: a.items.data[0]!.id, price: enterprise }], proration_behavior: 'create_prorations' },
      on(),
    );
    // Jan 15: E starts Pro
    await advanceTo(p, clock, JAN_1 + 14 * DAY, on());
    const eCus = await customer('E');
    const e = await subscribe(eCus, { items: [{ price: pro }] });
    // Jan 20: C asks to move to Pro from Feb 1
    await advanceTo(p, clock, JAN_1 + 19 * DAY, on());
    await atPeriodEnd(c.id, enterprise, pro, JAN_1, FEB_1);
    // Jan 29: F starts a 14-day trial of Pro
    await advanceTo(p, clock, JAN_1 + 28 * DAY, on());
    const fCus = await customer('F');
    const f = await subscribe(fCus, { items: [{ price: pro }], trial_period_days: 14 });
    const trialEnd = JAN_1 + 28 * DAY + 14 * DAY; // Feb 12
    expect(f.status).toBe('trialing');
    expect(f.trial_end).toBe(trialEnd);

    // February. Feb 1: C's downgrade; Feb 5: B's end; Feb 12: F's trial converts
    await advanceTo(p, clock, FEB_1 + 2 * HOUR, on());
    await advanceTo(p, clock, FEB_1 + 4 * DAY + 2 * HOUR, on());
    // Stripe keeps both dates: the request's (canceled_at) and the end of service (ended_at)
    expect(await p.stripe.subscriptions.retrieve(b1.id, {}, on())).toMatchObject({
      status: 'canceled',
      canceled_at: JAN_1 + 4 * DAY,
      ended_at: FEB_1 + 4 * DAY,
    });
    await advanceTo(p, clock, trialEnd + 2 * HOUR, on());
    expect((await p.stripe.subscriptions.retrieve(f.id, {}, on())).status).toBe('active');
    // E's card fails from its Feb 15 renewal on: past_due, retried Feb 16, 18, 20 and 22, then unpaid
    await useCard(eCus, 'pm_card_chargeCustomerFail');
    await advanceTo(p, clock, FEB_1 + 14 * DAY + 2 * HOUR, on());
    expect((await p.stripe.subscriptions.retrieve(e.id, {}, on())).status).toBe('past_due');
    // Feb 20: F asks to drop to Free from its next period (Mar 12)
    await advanceTo(p, clock, FEB_1 + 19 * DAY, on());
    await atPeriodEnd(f.id, pro, free, trialEnd, trialEnd + 28 * DAY);
    await advanceTo(p, clock, FEB_1 + 21 * DAY + 2 * HOUR, on());
    const eUnpaid = await p.stripe.subscriptions.retrieve(e.id, {}, on());
    expect(eUnpaid.status).toBe('unpaid');

    // March. Mar 3: E pays its open invoice with a good card and is back on Pro
    await advanceTo(p, clock, MAR_1 + 2 * DAY, on());
    const good = await useCard(eCus, 'pm_card_visa');
    const paid = await p.stripe.invoices.pay(String(eUnpaid.latest_invoice), { payment_method: good }, on());
    expect(paid.status).toBe('paid');
    await settled(p);
    expect((await p.stripe.subscriptions.retrieve(e.id, {}, on())).status).toBe('active');
    // Mar 10: D upgrades to Enterprise, monthly
    await advanceTo(p, clock, MAR_1 + 9 * DAY, on());
    const dUp = await p.stripe.subscriptions.update(
      d.id,
      { items: [{ id: d.items.data[0]!.id, price: enterprise }], proration_behavior: 'create_prorations' },
      on(),
    );
    // another billing period: a monthly one from now, invoiced at once with the unused year as a credit
    expect(dUp.billing_cycle_anchor).toBe(MAR_1 + 9 * DAY);
    expect(dUp.items.data[0]?.current_period_end).toBe(utc('2027-04-10'));
    // Mar 12: F's drop to Free; Mar 15: B starts Pro-annual again (a new subscription, the same customer)
    await advanceTo(p, clock, MAR_1 + 11 * DAY + 2 * HOUR, on());
    await advanceTo(p, clock, MAR_1 + 14 * DAY, on());
    const b2 = await subscribe(bCus, { items: [{ price: proAnnual }] });
    await advanceTo(p, clock, MAR_1 + 14 * DAY + 2 * HOUR, on());

    // The history its webhooks made: each change at the time it took effect, churn when service ended
    const history = await historyBySubscription(p, 'mrr_changes', `tenant_id = '${tenant.id}'`);
    const days = (rows: [number, number, string | null][] | undefined) =>
      rows?.map(([at, mrr, kind]) => [new Date(at * 1000).toISOString().slice(0, 10), mrr, kind]);
    expect({
      a: days(history.get(a.id)),
      b1: days(history.get(b1.id)),
      b2: days(history.get(b2.id)),
      c: days(history.get(c.id)),
      d: days(history.get(d.id)),
      e: days(history.get(e.id)),
      f: days(history.get(f.id)),
    }).toEqual({
      a: [
        ['2026-10-01', 10_000, null],
        ['2027-01-10', 50_000, null],
      ],
      // asked on Jan 5; churned when its paid period ended
      b1: [
        ['2026-11-05', 10_000, null],
        ['2027-02-05', 0, 'voluntary'],
      ],
      b2: [['2027-03-15', 8_000, null]],
      c: [
        ['2026-12-01', 50_000, null],
        ['2027-02-01', 10_000, null],
      ],
      d: [
        ['2026-06-01', 8_000, null],
        ['2027-03-10', 50_000, null],
      ],
      // past_due from Feb 15 still counts; unpaid after the last retry on Feb 22
      e: [
        ['2027-01-15', 10_000, null],
        ['2027-02-22', 0, 'involuntary'],
        ['2027-03-03', 10_000, null],
      ],
      // the trial counts nothing; the free plan counts 0 (voluntary)
      f: [
        ['2027-02-12', 10_000, null],
        ['2027-03-12', 0, 'voluntary'],
      ],
    });

    // Every cell of the table, as the tenant's key reads it
    const res = await get('mrr?from=2027-01&to=2027-03');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { data: { currency: string; ledger_ok: boolean; periods: Period[] }[] };
    expect(body.data.map((x) => x.currency)).toEqual(['usd']);
    const [usd] = body.data;
    expect(usd!.ledger_ok).toBe(true);
    const pct = (r: Ratio | null) => r?.percent ?? null;
    const exact = (r: Ratio | null) => (r ? `${r.numerator}/${r.denominator}` : null);
    const cells = (m: Period) => ({
      period: m.period,
      mrr: [m.mrr_start, m.mrr_end],
      arr: m.arr,
      // new / reactivation / expansion / contraction / churn (voluntary, involuntary)
      movements: [
        m.movements.new,
        m.movements.reactivation,
        m.movements.expansion,
        m.movements.contraction,
        m.movements.churn,
        m.movements.churn_voluntary,
        m.movements.churn_involuntary,
      ],
      growth: pct(m.growth),
      grossNetChurn: [pct(m.gross_mrr_churn), pct(m.net_mrr_churn)],
      nrrGrr: [pct(m.nrr), pct(m.grr)],
      nrrGrrExact: [exact(m.nrr), exact(m.grr)],
      // churned / paying at start (voluntary, involuntary), paying at end
      customers: [
        m.customers.churned,
        m.customers.paying_start,
        m.customers.churned_voluntary,
        m.customers.churned_involuntary,
        m.customers.paying_end,
      ],
      customerChurn: [
        pct(m.customer_churn),
        pct(m.customer_churn_voluntary),
        pct(m.customer_churn_involuntary),
      ],
      arpaLtv: [m.arpa, m.ltv],
    });
    expect(usd!.periods.map(cells)).toEqual([
      {
        period: '2027-01',
        mrr: [78_000, 128_000],
        arr: 1_536_000,
        movements: [10_000, 0, 40_000, 0, 0, 0, 0],
        growth: '64.10',
        grossNetChurn: ['0.00', '-51.28'],
        nrrGrr: ['151.28', '100.00'],
        nrrGrrExact: ['118000/78000', '78000/78000'],
        customers: [0, 4, 0, 0, 5],
        customerChurn: ['0.00', '0.00', '0.00'],
        arpaLtv: [25_600, null],
      },
      {
        period: '2027-02',
        mrr: [128_000, 78_000],
        arr: 936_000,
        movements: [10_000, 0, 0, 40_000, 20_000, 10_000, 10_000],
        growth: '-39.06',
        grossNetChurn: ['46.88', '46.88'],
        // 53.125 % shown rounded half-up
        nrrGrr: ['53.13', '53.13'],
        nrrGrrExact: ['68000/128000', '68000/128000'],
        customers: [2, 5, 1, 1, 4],
        customerChurn: ['40.00', '20.00', '20.00'],
        arpaLtv: [19_500, null],
      },
      {
        period: '2027-03',
        mrr: [78_000, 128_000],
        arr: 1_536_000,
        movements: [0, 18_000, 42_000, 0, 10_000, 10_000, 0],
        growth: '64.10',
        grossNetChurn: ['12.82', '-64.10'],
        nrrGrr: ['141.03', '87.18'],
        nrrGrrExact: ['110000/78000', '68000/78000'],
        customers: [1, 4, 1, 0, 5],
        customerChurn: ['25.00', '25.00', '0.00'],
        // 25,600 ÷ mean(0/4, 2/5)
        arpaLtv: [25_600, 128_000],
      },
    ]);

    // February's churn: B (voluntary, Feb 5) and E (involuntary, Feb 22), dated at service end, never at
    // B's cancel request on Jan 5
    const churned = await get('movements?period=2027-02&currency=usd&kind=churn');
    expect(churned.statusCode, churned.body).toBe(200);
    expect(churned.json().totals).toEqual([{ currency: 'usd', kind: 'churn', amount: 20_000 }]);
    const rows = churned.json().data as {
      customer: string;
      at: number;
      amount: number;
      churn_kind: string;
      subscriptions: { subscription: string }[];
    }[];
    expect(
      rows.map((r) => [
        r.customer,
        new Date(r.at * 1000).toISOString().slice(0, 10),
        r.amount,
        r.churn_kind,
        r.subscriptions.map((s) => s.subscription),
      ]),
    ).toEqual([
      [bCus, '2027-02-05', 10_000, 'voluntary', [b1.id]],
      [eCus, '2027-02-22', 10_000, 'involuntary', [e.id]],
    ]);
    expect(rows.every((r) => r.at >= FEB_1)).toBe(true);
    const january = await get('movements?period=2027-01&currency=usd&kind=churn');
    expect(january.statusCode, january.body).toBe(200);
    expect(january.json().data).toEqual([]);
    // March's reactivations: E (paid again) and B (a new subscription)
    const back = await get('movements?period=2027-03&currency=usd&kind=reactivation');
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json().data.map((r: { customer: string; amount: number }) => [r.customer, r.amount])).toEqual(
      [
        [eCus, 10_000],
        [bCus, 8_000],
      ],
    );

    // The quarter, over the customers paying on Jan 1 (A, B, C, D): NRR 1,180 ÷ 780; GRR counts each at most
    // at its start MRR (A 100 of 100, B 80 of 100, C 100 of 500, D 80 of 80): 360 ÷ 780. Each month's
    // retention figures as the MRR report's.
    const retention = await get('retention?from=2027-01&to=2027-03');
    expect(retention.statusCode, retention.body).toBe(200);
    const [kept] = retention.json().data;
    expect(kept.currency).toBe('usd');
    expect(kept.range).toEqual({
      customers_start: 4,
      customers_retained: 4,
      mrr_start: 78_000,
      mrr_end: 118_000,
      mrr_kept: 36_000,
      nrr: { numerator: '118000', denominator: '78000', percent: '151.28' },
      grr: { numerator: '36000', denominator: '78000', percent: '46.15' },
      customer_retention: { numerator: '4', denominator: '4', percent: '100.00' },
    });
    expect(
      kept.periods.map((x: Period & { paying_start: number; churned: number }) => [
        x.period,
        x.mrr_start,
        x.paying_start,
        x.churned,
        pct(x.nrr),
        pct(x.grr),
        pct(x.gross_mrr_churn),
        pct(x.net_mrr_churn),
        pct(x.customer_churn),
      ]),
    ).toEqual([
      ['2027-01', 78_000, 4, 0, '151.28', '100.00', '0.00', '-51.28', '0.00'],
      ['2027-02', 128_000, 5, 2, '53.13', '53.13', '46.88', '46.88', '40.00'],
      ['2027-03', 78_000, 4, 1, '141.03', '87.18', '12.82', '-64.10', '25.00'],
    ]);
  }, 600_000);
});
