import { expect } from 'vitest';
import type { Pipeline } from '../helpers/webhooks.ts';
import { systemRows, waitFor } from '../helpers/webhooks.ts';

// Driving the sandbox's test clocks through the real pipeline, for the capture's end-to-end tests.

export const JAN_1 = 1798761600; // 2027-01-01T00:00:00Z
export const FEB_1 = 1801440000;
export const MAR_1 = 1803859200;
export const APR_1 = 1806537600;
export const DAY = 86_400;
export const HOUR = 3_600;

/** Every delivery the sandbox made so far is processed (or, for a later retry, failed for good). */
export async function settled(p: Pipeline): Promise<void> {
  const flushed = await fetch(`${p.sandbox.url}/_sandbox/webhooks/flush`, { method: 'POST' });
  expect(flushed.status).toBe(200);
  await waitFor(
    async () => {
      const [row] = await systemRows<{ n: number }>(
        p.t.database,
        `select count(*)::int as n from stripe_events where status in ('pending', 'failed')`,
      );
      return row?.n === 0;
    },
    'every event processed',
    () =>
      systemRows(
        p.t.database,
        `select id, type, status, attempts, left(last_error, 300) as error from stripe_events
           where status in ('pending', 'failed') limit 10`,
      ),
    90_000,
  );
}

/** Moves the clock to `to` (seconds) and waits for what that set off to be processed. */
export async function advanceTo(
  p: Pipeline,
  clock: string,
  to: number,
  opts: { stripeAccount?: string } = {},
): Promise<void> {
  await p.stripe.testHelpers.testClocks.advance(clock, { frozen_time: to }, opts);
  await waitFor(
    async () => (await p.stripe.testHelpers.testClocks.retrieve(clock, {}, opts)).status === 'ready' || null,
    'the clock ready',
  );
  await settled(p);
}

export async function billingSettings(p: Pipeline, settings: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${p.sandbox.url}/_sandbox/billing/settings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(settings),
  });
  expect(res.status).toBe(200);
}

export interface HistoryRow {
  subscription: string;
  mrr: number;
  at: number;
  churn: string | null;
}

/** The stored change rows of one audience (`table`), by subscription, as [at − origin, mrr, churn kind]. */
export async function historyBySubscription(
  p: Pipeline,
  table: 'mrr_changes' | 'platform_mrr_changes',
  where: string,
): Promise<Map<string, [number, number, string | null][]>> {
  const rows = await systemRows<{ subscription: string; mrr: string; at: string; churn_kind: string | null }>(
    p.t.database,
    `select stripe_subscription_id as subscription, mrr, at, churn_kind from ${table} where ${where}
       order by at, stripe_subscription_id`,
  );
  const out = new Map<string, [number, number, string | null][]>();
  for (const r of rows) {
    const list = out.get(r.subscription) ?? [];
    list.push([new Date(r.at).getTime() / 1000, Number(r.mrr), r.churn_kind]);
    out.set(r.subscription, list);
  }
  return out;
}
