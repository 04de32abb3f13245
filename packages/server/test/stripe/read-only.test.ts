import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StripeRef } from '../../src/stripe/client.ts';
import { StripeWriteRefused } from '../../src/stripe/read-only.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { sandboxUrl } from '../helpers/payments.ts';

// The gateway's GET-only mode (support queries, issue 23): whatever SDK method code holding it calls, only
// GET requests leave the process — checked against the sandbox's own request log.

describe('the GET-only gateway', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  const log = async () =>
    ((await (await fetch(`${sandboxUrl(t)}/_sandbox/requests`)).json()) as { data: { method: string }[] })
      .data;

  it('reads, and refuses every write before it is sent', async () => {
    const stripe = new StripeRef(t.config).readOnly();
    const spec = { action: 'test', account: null, movesMoney: false };
    const listed = await stripe.call(spec, (s, opts) => s.customers.list({ limit: 1 }, opts));
    expect(listed.object).toBe('list');
    const before = (await log()).length;
    for (const write of [
      (s: Stripe): Promise<unknown> => s.customers.create({ email: 'x@example.com' }),
      (s: Stripe): Promise<unknown> => s.customers.del('cus_nope'),
      (s: Stripe): Promise<unknown> => s.refunds.create({ payment_intent: 'pi_nope', amount: 100 }),
    ])
      await expect(stripe.call(spec, (s) => write(s))).rejects.toBeInstanceOf(StripeWriteRefused);
    const sent = (await log()).slice(before);
    expect(sent).toEqual([]);
  });
});
