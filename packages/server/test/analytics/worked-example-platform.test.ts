import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { metricsResult } from '../../src/analytics/schemas.ts';
import type { retentionResult } from '../../src/analytics/summary-schemas.ts';
import { tenantBilling } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { fromPublicId } from '../../src/http/ids.ts';
import { mails, platformCall, stateOf } from '../billing/dunning-fixtures.ts';
import { operatorSession } from '../helpers/access.ts';
import type { TestTenant } from '../helpers/app.ts';
import { createTestTenant } from '../helpers/app.ts';
import { type Pipeline, pipelineState, startPipeline, waitFor } from '../helpers/webhooks.ts';
import { advanceTo, DAY, historyBySubscription } from './capture-sandbox.ts';

/**
 * docs/analytics.md's worked example, built for the PLATFORM: the tenants A–F are its customers and their
 * subscriptions are Tributary's own plans (Pro $100/month, Enterprise $500/month, Pro-annual $960/year, Free
 * as the default). Every step goes through Tributary's API as a platform runs it — the plans API, quotes and
 * their acceptance (upgrades at once, downgrades at the period's end), cancellation at the period's end, a
 * trial, dunning (retries on days 1, 3, 5, suspension on day 7) and the recovery page — on one sandbox test
 * clock shared by the tenants' billing customers, with real webhooks; nothing is written to the MRR history
 * but by the capture. Then every cell of the example's table is read from GET /v1/analytics/mrr.
 */

const at = (y: number, m: number, d: number, h = 0) => Date.UTC(y, m - 1, d, h) / 1000;
const JUN_1 = at(2026, 6, 1);

describe('the worked example, for the platform: tenants on Tributary’s plans', () => {
  let p: Pipeline;
  let call: ReturnType<typeof platformCall>;
  const tenants: Record<string, TestTenant> = {};
  const customers: Record<string, string> = {};
  const cards: Record<string, string> = {};
  let clock: string;

  beforeAll(async () => {
    p = await startPipeline(
      { CONNECT_ACCOUNT_KIND: 'standard', DUNNING_RETRY_DAYS: '1,3,5', DUNNING_GRACE_DAYS: '7' },
      { freshDatabase: true },
    );
    call = platformCall(p);
  }, 120_000);
  afterAll(() => p?.close());

  const suffix = randomUUID().slice(0, 6);
  async function plan(
    name: string,
    prices: { interval: 'month' | 'year'; unit_amount: number }[],
    extra = {},
  ) {
    const res = await call('POST', '/v1/billing/plans', {
      name,
      lookup_key: `${name.toLowerCase()}_${suffix}`,
      prices: prices.map((x) => ({ currency: 'usd', ...x })),
      limits: [],
      features: {},
      ...extra,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().id as string;
  }

  /** The tenant's billing customer on the shared clock with a good card, the tenant on the free plan. */
  async function tenantOnClock(name: string, free: string): Promise<TestTenant> {
    const tenant = await createTestTenant(p.t, `Worked example ${name}`);
    const cus = await p.stripe.customers.create({
      name: tenant.publicId,
      metadata: { tributary_kind: 'platform_plan' },
      test_clock: clock,
    });
    const card = await p.stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
    await p.stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: card.id } });
    await withTenant(p.t.database.db, tenant.id, (tx) =>
      tx.insert(tenantBilling).values({
        tenantId: tenant.id,
        planId: fromPublicId('plan', free)!,
        periodStart: new Date(JUN_1 * 1000),
        periodEnd: new Date(at(2026, 7, 1) * 1000),
        stripeCustomerId: cus.id,
      }),
    );
    tenants[name] = tenant;
    customers[name] = cus.id;
    cards[name] = card.id;
    return tenant;
  }

  const billing = async (name: string) => {
    const res = await call('GET', `/v1/tenants/${tenants[name]!.publicId}/billing`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as {
      plan: { id: string; name: string } | null;
      state: string;
      interval: string | null;
      cancel_at_period_end: boolean;
      trial_end: number | null;
      current_period_end: number | null;
      pending_change: { plan: { name: string }; effective_at: number } | null;
    };
  };
  const waitPlan = (name: string, planName: string, state: string) =>
    waitFor(
      async () => {
        const b = await billing(name);
        return (b.plan?.name === planName && b.state === state) || null;
      },
      `${name} on ${planName} (${state})`,
      async () => ({ billing: await billing(name), pipeline: await pipelineState(p)() }),
      60_000,
    );

  /** The tenant's own way to change plan: a binding quote, then its acceptance. */
  async function change(name: string, planId: string, interval: 'month' | 'year', status: string) {
    const t = tenants[name]!;
    const q = await call('POST', `/v1/tenants/${t.publicId}/billing/quotes`, { plan: planId, interval });
    expect(q.statusCode, q.body).toBe(200);
    const res = await call('POST', `/v1/tenants/${t.publicId}/billing/subscription`, { quote: q.json().id });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status, res.body).toBe(status);
    return { quote: q.json(), change: res.json() };
  }

  async function cancelAtPeriodEnd(name: string) {
    const res = await call('POST', `/v1/tenants/${tenants[name]!.publicId}/billing/subscription/cancel`, {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().cancel_at_period_end).toBe(true);
    return res.json();
  }

  const step = async (to: number) => {
    const t0 = Date.now();
    await advanceTo(p, clock, to);
    if (process.env.WE_TRACE) console.log(new Date(to * 1000).toISOString(), Date.now() - t0, 'ms');
  };

  it('builds January to March on a test clock and reads every cell of the table', async () => {
    const free = await plan('Free', [], { is_default: true });
    const pro = await plan('Pro', [{ interval: 'month', unit_amount: 10_000 }]);
    const enterprise = await plan('Enterprise', [{ interval: 'month', unit_amount: 50_000 }]);
    const proAnnual = await plan('Pro-annual', [{ interval: 'year', unit_amount: 96_000 }]);

    clock = (await p.stripe.testHelpers.testClocks.create({ frozen_time: JUN_1 })).id;
    for (const name of ['A', 'B', 'C', 'D', 'E', 'F']) await tenantOnClock(name, free);

    // --- before the year: D on Pro-annual since Jun 1, A on Pro since Oct 1, B since Nov 5, C on Enterprise
    await change('D', proAnnual, 'year', 'applied');
    await waitPlan('D', 'Pro-annual', 'active');
    for (const m of [7, 8, 9, 10]) await step(at(2026, m, 1));
    await change('A', pro, 'month', 'applied');
    await step(at(2026, 11, 1));
    await step(at(2026, 11, 5));
    await change('B', pro, 'month', 'applied');
    await step(at(2026, 12, 1));
    await change('C', enterprise, 'month', 'applied');
    await waitPlan('C', 'Enterprise', 'active');

    // --- January
    await step(at(2027, 1, 1));
    await step(at(2027, 1, 5));
    const b = await cancelAtPeriodEnd('B'); // ends with its period, Feb 5
    expect(b.current_period_end).toBe(at(2027, 2, 5));
    await step(at(2027, 1, 10));
    const up = await change('A', enterprise, 'month', 'applied'); // at once, the rest of the period prorated
    expect(up.quote.kind).toBe('upgrade');
    await waitPlan('A', 'Enterprise', 'active');
    await step(at(2027, 1, 15));
    await change('E', pro, 'month', 'applied');
    await waitPlan('E', 'Pro', 'active');
    await step(at(2027, 1, 20));
    const down = await change('C', pro, 'month', 'scheduled'); // from the period's end, Feb 1
    expect([down.quote.kind, down.quote.effective_at]).toEqual(['downgrade', at(2027, 2, 1)]);
    expect((await billing('C')).pending_change?.plan.name).toBe('Pro');
    await step(at(2027, 1, 29));
    // the operator offers Pro with a 14-day trial from today; F takes it
    const offer = await call('POST', `/v1/billing/plans/${pro}`, { trial_days: 14 });
    expect(offer.statusCode, offer.body).toBe(200);
    await change('F', pro, 'month', 'applied');
    await waitPlan('F', 'Pro', 'trialing');
    expect((await billing('F')).trial_end).toBe(at(2027, 2, 12));
    // the offer ends: F's trial runs on as it was given
    const ended = await call('POST', `/v1/billing/plans/${pro}`, { trial_days: 0 });
    expect(ended.statusCode, ended.body).toBe(200);
    // E's card fails from its Feb 15 renewal on
    const failing = await p.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', {
      customer: customers.E!,
    });
    await p.stripe.customers.update(customers.E!, {
      invoice_settings: { default_payment_method: failing.id },
    });
    await p.stripe.paymentMethods.detach(cards.E!);

    // --- February
    await step(at(2027, 2, 1));
    await waitPlan('C', 'Pro', 'active');
    await step(at(2027, 2, 5));
    await waitPlan('B', 'Free', 'active');
    await step(at(2027, 2, 12, 2));
    await waitPlan('F', 'Pro', 'active');
    const failedAt = at(2027, 2, 15, 2);
    await step(failedAt);
    await waitFor(
      async () => (await mails(p, tenants.E!)).some((m) => m.template === 'plan_payment_failed'),
      "E's renewal failed",
      pipelineState(p),
    );
    for (const [day, n] of [
      [1, 1],
      [3, 2],
    ] as const) {
      await step(failedAt + day * DAY + 60);
      await waitFor(
        async () =>
          (await mails(p, tenants.E!)).filter((m) => m.template === 'plan_attempt_failed').length === n,
        `E's attempt ${n} failed`,
        pipelineState(p),
      );
    }
    await step(at(2027, 2, 20));
    const f = await cancelAtPeriodEnd('F'); // to Free from the period's end, Mar 12
    expect(f.current_period_end).toBe(at(2027, 3, 12));
    await step(failedAt + 5 * DAY + 60);
    await waitFor(
      async () =>
        (await mails(p, tenants.E!)).filter((m) => m.template === 'plan_attempt_failed').length === 3,
      "E's attempt 3 failed",
      pipelineState(p),
    );
    await step(failedAt + 7 * DAY + 60); // Feb 22
    await waitFor(
      async () => (await stateOf(p, tenants.E!)) === 'suspended',
      'E suspended',
      pipelineState(p),
    );

    // --- March
    await step(at(2027, 3, 1));
    await step(at(2027, 3, 3));
    // E pays on the recovery page with a new card, which becomes its default
    const good = await p.stripe.paymentMethods.attach('pm_card_visa', { customer: customers.E! });
    const link = await call('POST', `/v1/tenants/${tenants.E!.publicId}/billing/recovery/link`, {});
    expect(link.statusCode, link.body).toBe(200);
    const token = new URL(link.json().url).hash.replace(/^#token=/, '');
    const recovery = (method: 'GET' | 'POST', url: string, payload?: object) =>
      p.t.app.inject({
        method,
        url,
        headers: {
          authorization: `Bearer ${token}`,
          ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
        },
        ...(payload ? { payload } : {}),
      });
    const owed = await recovery('GET', '/v1/recovery');
    expect(owed.statusCode, owed.body).toBe(200);
    expect(owed.json()).toMatchObject({ state: 'suspended', amount_owed: 10_000 });
    const paid = await recovery('POST', '/v1/recovery/pay', {
      invoice: owed.json().invoices[0].id,
      payment_method: good.id,
    });
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toMatchObject({ status: 'paid', state: 'active' });
    const made = await call(
      'POST',
      `/v1/tenants/${tenants.E!.publicId}/billing/payment_methods/${good.id}/default`,
      {},
    );
    expect(made.statusCode, made.body).toBe(200);
    await waitPlan('E', 'Pro', 'active');
    await step(at(2027, 3, 10));
    const dUp = await change('D', enterprise, 'month', 'applied');
    expect(dUp.quote.kind).toBe('upgrade');
    await waitPlan('D', 'Enterprise', 'active');
    await step(at(2027, 3, 12, 2));
    await waitPlan('F', 'Free', 'active');
    await step(at(2027, 3, 15));
    await change('B', proAnnual, 'year', 'applied');
    await waitPlan('B', 'Pro-annual', 'active');
    await step(at(2027, 4, 1, 2));
    for (const name of ['A', 'C', 'D', 'E']) expect((await billing(name)).state).toBe('active');

    // the history the capture wrote from the webhooks and dunning, per tenant: [when, MRR, churn kind] by
    // subscription — changes at service's start and end, never at a request (B's, C's and F's of January)
    const history: Record<string, [number, number, string | null][][]> = {};
    for (const [name, customer] of Object.entries(customers))
      history[name] = [
        ...(
          await historyBySubscription(p, 'platform_mrr_changes', `stripe_customer_id = '${customer}'`)
        ).values(),
      ];
    expect(history).toEqual({
      A: [
        [
          [at(2026, 10, 1), 10_000, null],
          [at(2027, 1, 10), 50_000, null],
        ],
      ],
      B: [
        [
          [at(2026, 11, 5), 10_000, null],
          [at(2027, 2, 5), 0, 'voluntary'],
        ],
        [[at(2027, 3, 15), 8_000, null]],
      ],
      C: [
        [
          [at(2026, 12, 1), 50_000, null],
          [at(2027, 2, 1), 10_000, null],
        ],
      ],
      D: [
        [
          [JUN_1, 8_000, null],
          [at(2027, 3, 10), 50_000, null],
        ],
      ],
      E: [
        [
          [at(2027, 1, 15), 10_000, null],
          [at(2027, 2, 15, 1) + 7 * DAY, 0, 'involuntary'], // the renewal's payment failed at 01:00
          [at(2027, 3, 3), 10_000, null],
        ],
      ],
      F: [
        [
          [at(2027, 2, 12), 10_000, null], // the trial counts 0 until it converts
          [at(2027, 3, 12), 0, 'voluntary'],
        ],
      ],
    });

    // --- the table, from the API
    const res = await call('GET', '/v1/analytics/mrr?from=2027-01&to=2027-03');
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json() as z.infer<typeof metricsResult>;
    expect(report.scope).toBe('platform');
    const usd = report.data[0]!;
    expect(report.data).toHaveLength(1);
    expect(usd.currency).toBe('usd');
    expect(usd.ledger_ok).toBe(true);
    const pct = (r: { numerator: string; denominator: string; percent: string } | null) =>
      r && `${r.numerator}/${r.denominator}=${r.percent}`;
    const cells = usd.periods.map((m) => ({
      period: m.period,
      mrr: [m.mrr_start, m.mrr_end],
      movements: m.movements,
      growth: pct(m.growth),
      gross_net_churn: [pct(m.gross_mrr_churn), pct(m.net_mrr_churn)],
      nrr_grr: [pct(m.nrr), pct(m.grr)],
      customers: m.customers,
      customer_churn: [
        pct(m.customer_churn),
        pct(m.customer_churn_voluntary),
        pct(m.customer_churn_involuntary),
      ],
      arpa_ltv: [m.arpa, m.ltv],
    }));
    expect(cells).toEqual([
      {
        period: '2027-01',
        mrr: [78_000, 128_000],
        movements: {
          new: 10_000,
          reactivation: 0,
          expansion: 40_000,
          contraction: 0,
          churn: 0,
          churn_voluntary: 0,
          churn_involuntary: 0,
        },
        growth: '50000/78000=64.10',
        gross_net_churn: ['0/78000=0.00', '-40000/78000=-51.28'],
        nrr_grr: ['118000/78000=151.28', '78000/78000=100.00'],
        customers: {
          paying_start: 4,
          paying_end: 5,
          churned: 0,
          churned_voluntary: 0,
          churned_involuntary: 0,
        },
        customer_churn: ['0/4=0.00', '0/4=0.00', '0/4=0.00'],
        arpa_ltv: [25_600, null],
      },
      {
        period: '2027-02',
        mrr: [128_000, 78_000],
        movements: {
          new: 10_000,
          reactivation: 0,
          expansion: 0,
          contraction: 40_000,
          churn: 20_000,
          churn_voluntary: 10_000,
          churn_involuntary: 10_000,
        },
        growth: '-50000/128000=-39.06',
        gross_net_churn: ['60000/128000=46.88', '60000/128000=46.88'],
        nrr_grr: ['68000/128000=53.13', '68000/128000=53.13'],
        customers: {
          paying_start: 5,
          paying_end: 4,
          churned: 2,
          churned_voluntary: 1,
          churned_involuntary: 1,
        },
        customer_churn: ['2/5=40.00', '1/5=20.00', '1/5=20.00'],
        arpa_ltv: [19_500, null],
      },
      {
        period: '2027-03',
        mrr: [78_000, 128_000],
        movements: {
          new: 0,
          reactivation: 18_000,
          expansion: 42_000,
          contraction: 0,
          churn: 10_000,
          churn_voluntary: 10_000,
          churn_involuntary: 0,
        },
        growth: '50000/78000=64.10',
        gross_net_churn: ['10000/78000=12.82', '-50000/78000=-64.10'],
        nrr_grr: ['110000/78000=141.03', '68000/78000=87.18'],
        customers: {
          paying_start: 4,
          paying_end: 5,
          churned: 1,
          churned_voluntary: 1,
          churned_involuntary: 0,
        },
        customer_churn: ['1/4=25.00', '1/4=25.00', '0/4=0.00'],
        arpa_ltv: [25_600, 128_000],
      },
    ]);

    // the quarter: NRR 1,180 ÷ 780 of A–D, who paid on Jan 1 (E and F arrived since: not counted); GRR keeps
    // each one's MRR at most at its start (A 100, B 80, C 100, D 80 of 780)
    const retention = await call('GET', '/v1/analytics/retention?from=2027-01&to=2027-03');
    expect(retention.statusCode, retention.body).toBe(200);
    const retained = retention.json() as z.infer<typeof retentionResult>;
    expect(retained.data).toHaveLength(1);
    const kept = retained.data[0]!;
    expect(kept.currency).toBe('usd');
    expect({
      ...kept.range,
      nrr: pct(kept.range.nrr),
      grr: pct(kept.range.grr),
      customer_retention: pct(kept.range.customer_retention),
    }).toEqual({
      customers_start: 4,
      customers_retained: 4,
      mrr_start: 78_000,
      mrr_end: 118_000,
      mrr_kept: 36_000,
      nrr: '118000/78000=151.28',
      grr: '36000/78000=46.15',
      customer_retention: '4/4=100.00',
    });
    expect(kept.periods.map((m) => [m.period, pct(m.nrr), pct(m.grr), m.churned_involuntary])).toEqual(
      cells.map((c) => [c.period, ...c.nrr_grr, c.customers.churned_involuntary]),
    );

    // the operator's dashboard reads the same figures
    const operator = await operatorSession(p.t);
    const seen = await p.t.app.inject({
      method: 'GET',
      url: '/v1/analytics/mrr?from=2027-01&to=2027-03',
      headers: { cookie: operator.cookie },
    });
    expect(seen.statusCode, seen.body).toBe(200);
    expect(seen.json().data).toEqual(report.data);

    // --- February's churn, drilled down: B voluntarily on Feb 5, E involuntarily on its suspension, Feb 22
    const drill = await call('GET', '/v1/analytics/movements?period=2027-02&kind=churn');
    expect(drill.statusCode, drill.body).toBe(200);
    const rows = drill.json().data as { customer: string; at: number; amount: number; churn_kind: string }[];
    expect(drill.json().totals).toEqual([{ currency: 'usd', kind: 'churn', amount: 20_000 }]);
    expect(rows.map((r) => [r.customer, r.at, r.amount, r.churn_kind])).toEqual([
      [customers.B, at(2027, 2, 5), 10_000, 'voluntary'],
      [customers.E, at(2027, 2, 15, 1) + 7 * DAY, 10_000, 'involuntary'],
    ]);
    // March: E back from its payment, B on Pro-annual; F's end on Free is voluntary churn
    const march = async (kind: string) => {
      const r = await call('GET', `/v1/analytics/movements?period=2027-03&kind=${kind}`);
      expect(r.statusCode, r.body).toBe(200);
      return (r.json().data as { customer: string; amount: number; churn_kind: string | null }[]).map((x) => [
        x.customer,
        x.amount,
        x.churn_kind,
      ]);
    };
    expect(await march('reactivation')).toEqual([
      [customers.E, 10_000, null],
      [customers.B, 8_000, null],
    ]);
    expect(await march('expansion')).toEqual([[customers.D, 42_000, null]]);
    expect(await march('churn')).toEqual([[customers.F, 10_000, 'voluntary']]);
  }, 900_000);
});
