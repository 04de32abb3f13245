import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { tenantBilling } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { fromPublicId } from '../../src/http/ids.ts';
import { bearer, createTestTenant, type TestTenant } from '../helpers/app.ts';
import { type Pipeline, pipelineState, systemRows, waitFor } from '../helpers/webhooks.ts';

// Tenants on a paid plan whose renewal fails, on the sandbox's test clocks, for the dunning tests.

export const APR_1 = 1806537600; // 2027-04-01T00:00:00Z
export const MAY_1 = 1809129600; // 2027-05-01T00:00:00Z
export const JUNE_1 = 1811808000; // 2027-06-01T00:00:00Z
export const DAY = 86_400;
/** Stripe's payment of the renewal (an hour after its invoice is made) failed: the case is dated from it */
export const PAYMENT_FAILED_AT = MAY_1 + 3600;
/** the tenant's clock moved past the failure */
export const FAILED_AT = MAY_1 + 2 * 3600;

export const DUNNING_TEMPLATES = [
  'plan_payment_failed',
  'plan_attempt_failed',
  'plan_suspended',
  'plan_recovered',
];

export function platformCall(p: Pipeline) {
  return (method: 'GET' | 'POST', url: string, payload?: object) =>
    p.t.app.inject({
      method,
      url,
      headers: {
        ...bearer(p.t.platformKey),
        ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
      },
      ...(payload ? { payload } : {}),
    });
}

export async function proPlan(p: Pipeline): Promise<string> {
  const lookup = randomUUID().slice(0, 6);
  const res = await platformCall(p)('POST', '/v1/billing/plans', {
    name: 'Pro',
    lookup_key: `pro_${lookup}`,
    prices: [{ currency: 'usd', interval: 'month', unit_amount: 10_000 }],
    limits: [],
    features: {},
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().id as string;
}

export async function advance(p: Pipeline, clock: string, to: number): Promise<void> {
  await p.stripe.testHelpers.testClocks.advance(clock, { frozen_time: to });
  await waitFor(
    async () => (await p.stripe.testHelpers.testClocks.retrieve(clock)).status === 'ready' || null,
    'the clock ready',
  );
}

const nextMonth = (start: number) => {
  const at = new Date(start * 1000);
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, at.getUTCDate()));
};

export interface Dunned {
  tenant: TestTenant;
  clock: string;
  customer: string;
}

/**
 * A tenant on `plan` monthly since Apr 1 2027, its first invoice paid by a good card (`card`, its default);
 * its customer on a clock of its own, or on `shared` (still at Apr 1).
 */
export function onPlanSinceApril(p: Pipeline, plan: string, name: string, shared?: string) {
  return onPlanSince(p, plan, name, APR_1, shared);
}

/** The same from `start` (Unix seconds, the first of a month), `shared` still at `start`. */
export async function onPlanSince(p: Pipeline, plan: string, name: string, start: number, shared?: string) {
  const tenant = await createTestTenant(p.t, name);
  const clock = shared ?? (await p.stripe.testHelpers.testClocks.create({ frozen_time: start })).id;
  const cus = await p.stripe.customers.create({ name: tenant.publicId, test_clock: clock });
  const card = await p.stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
  await p.stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: card.id } });
  await withTenant(p.t.database.db, tenant.id, (tx) =>
    tx.insert(tenantBilling).values({
      tenantId: tenant.id,
      planId: fromPublicId('plan', plan)!,
      periodStart: new Date(start * 1000),
      periodEnd: nextMonth(start),
      stripeCustomerId: cus.id,
    }),
  );
  const res = await platformCall(p)('POST', `/v1/tenants/${tenant.publicId}/billing/plan`, {
    plan,
    interval: 'month',
    currency: 'usd',
  });
  expect(res.statusCode, res.body).toBe(200);
  await waitFor(
    async () => (await p.stripe.invoices.list({ customer: cus.id })).data.some((i) => i.status === 'paid'),
    'the first invoice paid',
  );
  return { tenant, clock, customer: cus.id, card: card.id };
}

/**
 * A tenant on Pro since Apr 1 2027 (paid by a good card), whose saved methods are then `cards` (the first the
 * default; each card attaches, its charges may fail), its clock advanced past the May 1 renewal, which fails.
 * Returns once dunning has planned its case (the failure's e-mail written).
 */
export async function failedRenewal(
  p: Pipeline,
  plan: string,
  name: string,
  cards: string[],
  beforeRenewal?: (saved: string[]) => Promise<void>,
  opts: { waitForFailureMail?: boolean } = {},
): Promise<Dunned & { saved: string[] }> {
  const { tenant, clock, customer, card: first } = await onPlanSinceApril(p, plan, name);
  // the good card goes; the cards of the test stay, created a second apart (the newest is tried first)
  const saved: string[] = [];
  for (const card of cards) {
    saved.push((await p.stripe.paymentMethods.attach(card, { customer: customer })).id);
    await new Promise((r) => setTimeout(r, 1100));
  }
  await p.stripe.customers.update(customer, { invoice_settings: { default_payment_method: saved[0]! } });
  await p.stripe.paymentMethods.detach(first);
  await beforeRenewal?.(saved);
  await advance(p, clock, FAILED_AT);
  if (opts.waitForFailureMail !== false)
    await waitFor(
      async () => (await mails(p, tenant)).some((m) => m.template === 'plan_payment_failed'),
      'the failure e-mail',
      pipelineState(p),
    );
  return { tenant, clock, customer: customer, saved };
}

/** The sandbox's bank declines the saved card from now on (reported lost: a hard decline). */
export async function reportLost(p: Pipeline, pm: string): Promise<void> {
  const res = await fetch(`${p.sandbox.url}/_sandbox/cards/${pm}/decline`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ decline_code: 'lost_card', advice_code: 'do_not_try_again' }),
  });
  expect(res.status).toBe(200);
}

export function mails(p: Pipeline, tenant: TestTenant) {
  return systemRows<{ template: string; subject: string; text: string }>(
    p.t.database,
    `select template, subject, text from notifications where tenant_id = '${tenant.id}'
       and template in (${DUNNING_TEMPLATES.map((t) => `'${t}'`).join(',')}) order by created_at, id`,
  );
}

export async function stateOf(p: Pipeline, tenant: TestTenant): Promise<string> {
  const [row] = await systemRows<{ state: string }>(
    p.t.database,
    `select state from tenant_billing where tenant_id = '${tenant.id}'`,
  );
  return row!.state;
}

export function outbound(p: Pipeline, tenant: TestTenant) {
  return systemRows<{ type: string; data: Record<string, unknown> }>(
    p.t.database,
    `select type, data from outbound_events where tenant_id = '${tenant.id}'
       and type in ('tenant.billing.past_due', 'tenant.billing.warning', 'tenant.billing.suspended',
                    'tenant.billing.recovered') order by created_at, id`,
  );
}

export function attempts(p: Pipeline, tenant: TestTenant) {
  return systemRows<{
    number: number;
    payment_method: string;
    retry: number;
    status: string;
    decline_code: string | null;
  }>(
    p.t.database,
    `select number, payment_method, retry, status, decline_code from dunning_attempts
       where tenant_id = '${tenant.id}' order by number, created_at`,
  );
}

/** The tenant's dunning case as the operator's API shows it (open or closed), with its attempts. */
export async function operatorCase(p: Pipeline, tenant: TestTenant, status: 'open' | 'closed' = 'open') {
  const call = platformCall(p);
  const list = await call('GET', `/v1/billing/dunning?limit=100&status=${status}`);
  expect(list.statusCode, list.body).toBe(200);
  const found = (list.json().data as { id: string; tenant: { id: string } }[]).find(
    (c) => c.tenant.id === tenant.publicId,
  );
  if (!found) return null;
  const res = await call('GET', `/v1/billing/dunning/${found.id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    id: string;
    phase: string;
    outcome: string | null;
    invoice: string;
    invoices: { id: string; amount: number; settled: boolean }[];
    amount_owed: number;
    attempts: { number: number; invoice: string; payment_method: string; outcome: string }[];
  };
}

/**
 * Dunning's `pay` calls of `invoices` the sandbox answered, in the order it got them (replays left out):
 * [invoice, payment method], read from the requests' idempotency keys.
 */
export async function payCalls(p: Pipeline, invoices: string[]): Promise<[string, string][]> {
  const res = await fetch(`${p.sandbox.url}/_sandbox/requests?path=/v1/invoices/`);
  const log = (await res.json()) as {
    data: { path: string; idempotency_key: string | null; replayed: boolean }[];
  };
  return log.data.flatMap((r) => {
    const invoice = /^\/v1\/invoices\/([^/]+)\/pay$/.exec(r.path)?.[1];
    const key = r.idempotency_key?.split(':');
    if (!invoice || !invoices.includes(invoice) || r.replayed || key?.[1] !== 'dunning') return [];
    return [[invoice, key[4]!] as [string, string]];
  });
}
