import fc from 'fast-check';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amountStepOf } from '../../src/currency.ts';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { connectTenant, sandboxAdmin, sandboxStripe, tenantApi } from '../helpers/payments.ts';

const RUNS = Number(process.env.TRIBUTARY_PROPERTY_RUNS ?? 6);

const currencies = ['usd', 'eur', 'gbp', 'jpy', 'krw', 'kwd'] as const;
/** minor units of about one dollar, to scale the random fixed parts */
const unitOf = (c: string) => ({ jpy: 150, krw: 1300, kwd: 300 })[c as 'jpy'] ?? 100;

const halfUp = (amount: number, bps: number) => Math.floor((amount * bps + 5000) / 10_000);

interface Case {
  currency: string;
  amount: number;
  percentBps: number;
  fixed: number;
  min: number | null;
  max: number | null;
  passThrough: boolean;
  stripeRate: { percent_bps: number; fixed: number };
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    currency: fc.constantFrom(...currencies),
    major: fc.integer({ min: 1, max: 5000 }),
    cents: fc.integer({ min: 0, max: 99 }),
    percentBps: fc.integer({ min: 0, max: 2000 }),
    fixed: fc.integer({ min: 0, max: 100 }),
    min: fc.option(fc.integer({ min: 0, max: 300 })),
    max: fc.option(fc.integer({ min: 0, max: 20_000 })),
    passThrough: fc.boolean(),
    stripeBps: fc.integer({ min: 0, max: 600 }),
    stripeFixed: fc.integer({ min: 0, max: 80 }),
  })
  .map((r) => {
    const unit = unitOf(r.currency);
    const step = amountStepOf(r.currency);
    const scale = (n: number) => Math.round((n * unit) / 100);
    const raw = Math.max(50, scale(r.major * 100 + r.cents));
    return {
      currency: r.currency,
      amount: Math.ceil(raw / step) * step,
      percentBps: r.percentBps,
      fixed: scale(r.fixed),
      min: r.min === null ? null : scale(r.min),
      max: r.max === null ? null : scale(r.max),
      passThrough: r.passThrough,
      stripeRate: { percent_bps: r.stripeBps, fixed: scale(r.stripeFixed) },
    };
  });

/** The platform's own fee under the schedule, as docs/payments.md states the rule. */
function platformFeeOf(c: Case): number {
  let fee = halfUp(c.amount, c.percentBps) + c.fixed;
  if (c.min !== null) fee = Math.max(fee, c.min);
  if (c.max !== null) fee = Math.min(fee, c.max);
  return Math.max(0, Math.min(fee, c.amount));
}

/**
 * Through the sandbox: random amounts, currencies (zero- and three-decimal ones), fee schedules and Stripe
 * prices unlike the platform's estimate. Each payment adds up (tenant net + platform net + Stripe's fee =
 * amount), the platform nets its schedule, no fee is negative, and the nets are the money that moved: each
 * account's balance on the sandbox changes by its net.
 */
for (const kind of ['express', 'standard'] as const) {
  describe(`property: fees through the sandbox (${kind}-like, ${RUNS} runs)`, () => {
    let t: TestApp;
    let tenant: TestTenant;
    let acct: string;
    let customerId: string;
    let stripe: Stripe;

    beforeAll(async () => {
      t = await startTestApp({ env: { CONNECT_ACCOUNT_KIND: kind } });
      tenant = await createTestTenant(t, `Fee property ${kind}`);
      acct = await connectTenant(t, tenant);
      stripe = sandboxStripe(t);
      const api = tenantApi(t, tenant);
      customerId = (await api('POST', '/customers', { email: `prop-${kind}@example.com` })).json().id;
      const saved = await api('POST', `/customers/${customerId}/setup_intents`, {
        payment_method: 'pm_card_visa',
      });
      expect(saved.statusCode, saved.body).toBe(200);
    });
    afterAll(() => t.close());

    const balanceOf = async (currency: string, account?: string) => {
      const b = await stripe.balance.retrieve({}, account ? { stripeAccount: account } : undefined);
      const sum = (l: { amount: number; currency: string }[]) =>
        l.filter((x) => x.currency === currency).reduce((n, x) => n + x.amount, 0);
      return sum(b.available) + sum(b.pending);
    };

    it('every payment adds up and leaves the platform its schedule', async () => {
      const platform = tenantApi(t, tenant, t.platformKey);
      const api = tenantApi(t, tenant);
      await fc.assert(
        fc.asyncProperty(caseArb, async (c) => {
          const cur = c.currency;
          const set = await platform('POST', '/fee_schedule', {
            percent_bps: c.percentBps,
            fixed: { [cur]: c.fixed },
            min: c.min === null ? {} : { [cur]: c.min },
            max: c.max === null ? {} : { [cur]: Math.max(c.max, c.min ?? 0) },
            pass_through_stripe_fee: c.passThrough,
          });
          expect(set.statusCode, set.body).toBe(200);
          const effective = { ...c, max: c.max === null ? null : Math.max(c.max, c.min ?? 0) };
          await sandboxAdmin(t, 'fees', { rates: { [`US/${cur}`]: c.stripeRate } });
          const [tenantBefore, platformBefore] = [await balanceOf(cur, acct), await balanceOf(cur)];

          const res = await api('POST', '/payment_intents', {
            amount: c.amount,
            currency: cur,
            customer: customerId,
            off_session: true,
          });
          const preview = (
            await api('GET', `/fee_schedule/preview?amount=${c.amount}&currency=${cur}`)
          ).json()[kind];
          const platformFee = platformFeeOf(effective);
          expect(preview.platform_fee).toBe(platformFee);
          if (preview.stripe_fee + platformFee > c.amount) {
            expect(res.statusCode, res.body).toBe(400);
            expect(res.json().error.code).toBe('amount_too_small');
            return;
          }
          expect(res.statusCode, res.body).toBe(200);
          const p = res.json();
          expect(p.status).toBe('succeeded');
          const f = p.fees;
          expect(f.final).toBe(true);
          expect(f.stripe_fee).toBe(halfUp(c.amount, c.stripeRate.percent_bps) + c.stripeRate.fixed);
          expect(f.platform_fee).toBe(platformFee);
          for (const fee of [f.platform_fee, f.application_fee, f.stripe_fee])
            expect(fee).toBeGreaterThanOrEqual(0);
          expect(f.tenant_net + f.platform_net + f.stripe_fee).toBe(c.amount);
          // the schedule: the platform keeps its fee, and pays Stripe's itself only without pass-through
          const paysStripe = kind === 'express' && !c.passThrough;
          expect(f.platform_net).toBe(paysStripe ? platformFee - f.stripe_fee : platformFee);
          expect(p.fee_schedule).toMatchObject({
            percent_bps: c.percentBps,
            pass_through_stripe_fee: c.passThrough,
          });
          // the nets are what moved on Stripe
          expect((await balanceOf(cur, acct)) - tenantBefore).toBe(f.tenant_net);
          expect((await balanceOf(cur)) - platformBefore).toBe(f.platform_net);
        }),
        {
          numRuns: RUNS,
          seed: process.env.TRIBUTARY_PROPERTY_SEED ? Number(process.env.TRIBUTARY_PROPERTY_SEED) : undefined,
        },
      );
    });
  });
}
