import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { bearer, startTestApp, type TestApp } from '../helpers/app.ts';
import { createDatabase } from '../helpers/db.ts';
import { sandboxStripe } from '../helpers/payments.ts';

// What the plans catalogue refuses, on a database of its own (plans and the default plan are
// platform-wide): each refusal a 4xx with a stable code and the failing param, making nothing.

describe('plans catalogue: bad input', () => {
  let database: Database;
  let t: TestApp;
  const op = (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: bearer(t.platformKey), ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    database = await createDatabase();
    t = await startTestApp({ database });
    const free = await op('POST', '/v1/billing/plans', {
      name: 'Free',
      lookup_key: 'free',
      is_default: true,
    });
    expect(free.statusCode, free.body).toBe(200);
    const pro = await op('POST', '/v1/billing/plans', {
      name: 'Pro',
      lookup_key: 'pro',
      prices: [{ currency: 'usd', interval: 'month', unit_amount: 4900 }],
    });
    expect(pro.statusCode, pro.body).toBe(200);
  });
  afterEach(async () => {
    await fetch(`${t.sandbox!.url}/_sandbox/faults`, { method: 'DELETE' });
  });
  afterAll(async () => {
    await t?.close();
    await database?.close();
  });

  const refusals: [string, object, number, string, string | null][] = [
    [
      'an unknown currency',
      { prices: [{ currency: 'xyz', interval: 'month', unit_amount: 100 }] },
      400,
      'currency_unsupported',
      'prices[0][currency]',
    ],
    [
      'a negative amount',
      { prices: [{ currency: 'usd', interval: 'month', unit_amount: -1 }] },
      400,
      'parameter_invalid',
      'prices[0][unit_amount]',
    ],
    [
      'a three-decimal amount off its step',
      { prices: [{ currency: 'kwd', interval: 'month', unit_amount: 1005 }] },
      400,
      'parameter_invalid',
      'prices[0][unit_amount]',
    ],
    [
      'a bad metric name',
      { limits: [{ metric: 'Api-Calls', limit: 1, enforcement: 'hard' }] },
      400,
      'parameter_invalid',
      'limits[0][metric]',
    ],
    [
      'a payment_volume limit missing for a price currency',
      {
        prices: [
          { currency: 'usd', interval: 'month', unit_amount: 100 },
          { currency: 'eur', interval: 'month', unit_amount: 100 },
        ],
        limits: [{ metric: 'payment_volume', currency: 'usd', limit: 1, enforcement: 'hard' }],
      },
      400,
      'parameter_invalid',
      'limits',
    ],
    [
      'a payment_volume limit with no currency',
      { limits: [{ metric: 'payment_volume', limit: 1, enforcement: 'hard' }] },
      400,
      'parameter_missing',
      'limits[0][currency]',
    ],
    [
      'overage on a hard limit',
      { limits: [{ metric: 'api_calls', limit: 1, enforcement: 'hard', overage_unit_amount_decimal: '1' }] },
      400,
      'parameter_invalid',
      'limits[0][overage_unit_amount_decimal]',
    ],
    ['thresholds out of order', { thresholds: [100, 80] }, 400, 'parameter_invalid', 'thresholds[1]'],
    ['a threshold of zero', { thresholds: [0, 100] }, 400, 'parameter_invalid', 'thresholds[0]'],
    ['a second default', { is_default: true }, 409, 'resource_exists', 'is_default'],
    [
      'a paid default',
      { is_default: true, prices: [{ currency: 'usd', interval: 'month', unit_amount: 100 }] },
      400,
      'parameter_invalid',
      'is_default',
    ],
    ['a lookup_key in use', { lookup_key: 'pro' }, 409, 'resource_exists', 'lookup_key'],
  ];
  for (const [what, extra, status, code, param] of refusals) {
    it(`refuses ${what} (${status} ${code}), making nothing`, async () => {
      const before = (await op('GET', '/v1/billing/plans')).json().data.length;
      const res = await op('POST', '/v1/billing/plans', {
        name: 'Bad',
        lookup_key: `bad-${status}-${code}`,
        ...extra,
      });
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().error).toMatchObject({ code, param });
      expect((await op('GET', '/v1/billing/plans')).json().data.length).toBe(before);
    });
  }

  it('keeps the exchange rates the operator sets, and refuses bad ones', async () => {
    const set = await op('POST', '/v1/billing/currency_rates', {
      rates: [
        { from: 'EUR', to: 'usd', rate: '1.08' },
        { from: 'jpy', to: 'usd', rate: '0.0067' },
      ],
    });
    expect(set.statusCode, set.body).toBe(200);
    const got = await op('GET', '/v1/billing/currency_rates');
    expect(
      got.json().data.map((r: { from: string; to: string; rate: string }) => [r.from, r.to, r.rate]),
    ).toEqual([
      ['eur', 'usd', '1.08'],
      ['jpy', 'usd', '0.0067'],
    ]);
    for (const rates of [
      [{ from: 'usd', to: 'usd', rate: '1' }],
      [{ from: 'eur', to: 'usd', rate: '0' }],
      [{ from: 'eur', to: 'usd', rate: '-1' }],
      [{ from: 'xyz', to: 'usd', rate: '1' }],
    ]) {
      const res = await op('POST', '/v1/billing/currency_rates', { rates });
      expect(res.statusCode, res.body).toBe(400);
    }
    expect((await op('GET', '/v1/billing/currency_rates')).json().data).toHaveLength(2);
  });

  it('of plans saved together with one lookup_key, one is made and the others are 409s, never a 500', async () => {
    const body = { name: 'Race', lookup_key: 'race', public: false };
    const answers = await Promise.all([1, 2, 3].map(() => op('POST', '/v1/billing/plans', body)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409, 409]);
    for (const a of answers.filter((x) => x.statusCode === 409))
      expect(a.json().error).toMatchObject({ code: 'resource_exists', param: 'lookup_key' });
  });

  const fault = (path: string) =>
    fetch(`${t.sandbox!.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // Stripe failing past the SDK's retries
      body: JSON.stringify({ type: 'error', count: 5, method: 'POST', path }),
    });

  it('a plan whose price Stripe refuses is not made: no rows, its product archived', async () => {
    const before = (await op('GET', '/v1/billing/plans')).json().data.length;
    expect((await fault('/v1/prices')).ok).toBe(true);
    const res = await op('POST', '/v1/billing/plans', {
      name: 'Doomed',
      lookup_key: 'doomed',
      prices: [{ currency: 'eur', interval: 'month', unit_amount: 900 }],
    });
    expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
    expect(res.statusCode, res.body).toBeLessThan(600);
    expect((await op('GET', '/v1/billing/plans')).json().data.length).toBe(before);
    const products = await sandboxStripe(t).products.list({ limit: 100 });
    const doomed = products.data.filter((p) => p.name === 'Doomed');
    expect(doomed.map((p) => p.active)).toEqual([false]);
    // the lookup_key is free again
    const again = await op('POST', '/v1/billing/plans', {
      name: 'Doomed',
      lookup_key: 'doomed',
      public: false,
    });
    expect(again.statusCode, again.body).toBe(200);
  });

  it("a new price Stripe refuses on an update is made by the plan's next save", async () => {
    const pro = (await op('GET', '/v1/billing/plans'))
      .json()
      .data.find((p: { lookup_key: string }) => p.lookup_key === 'pro');
    const body = { prices: [{ currency: 'usd', interval: 'month', unit_amount: 5900 }] };
    expect((await fault('/v1/prices')).ok).toBe(true);
    const failed = await op('POST', `/v1/billing/plans/${pro.id}`, body);
    expect(failed.statusCode, failed.body).toBeGreaterThanOrEqual(400);
    const pending = (await op('GET', `/v1/billing/plans/${pro.id}`)).json();
    const current = pending.prices.find((p: { active: boolean }) => p.active);
    expect(current).toMatchObject({ unit_amount: 5900, stripe_price_id: null });
    await fetch(`${t.sandbox!.url}/_sandbox/faults`, { method: 'DELETE' }); // Stripe is back
    const saved = await op('POST', `/v1/billing/plans/${pro.id}`, body);
    expect(saved.statusCode, saved.body).toBe(200);
    const made = saved.json().prices.find((p: { active: boolean }) => p.active);
    expect(made.stripe_price_id).toMatch(/^price_/);
    expect((await sandboxStripe(t).prices.retrieve(made.stripe_price_id)).unit_amount).toBe(5900);
    expect(saved.json().prices).toHaveLength(2);
  });
});
