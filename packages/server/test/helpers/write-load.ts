import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { expect } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { createTestTenant, startTestApp, type TestTenant } from './app.ts';
import { connectTenant, tenantApi } from './payments.ts';
import { type ServeProcess, startServeProcess } from './server-process.ts';
import { fakeEvent, sign, systemRows } from './webhooks.ts';

/**
 * Write load on a `tributary serve` process while its database fails: concurrent
 * customer creations, payments and signed webhook deliveries, each retried as a client (or Stripe) would
 * — a 503 with the same Idempotency-Key or body — until it succeeds.
 */
export interface LoadTarget {
  database: Database;
  server: ServeProcess;
  tenant: TestTenant;
  customer: { id: string; stripe_customer_id: string };
  close(): Promise<void>;
}

/** A serve process on `database`, and a connected tenant with a customer whose card is saved. */
export async function prepareLoadTarget(database: Database): Promise<LoadTarget> {
  const server = await startServeProcess(database, {
    WEBHOOK_REFETCH: 'false',
    WEBHOOK_RETRY_LIMIT: '50',
    WEBHOOK_RETRY_DELAY_SECONDS: '1',
    WEBHOOK_JOB_EXPIRE_SECONDS: '4',
  });
  try {
    // the fixtures go through an app of the test's own, on the same database and the server's sandbox
    const t = await startTestApp({ database, env: { STRIPE_API_BASE: server.sandboxUrl } });
    try {
      const tenant = await createTestTenant(t, 'Under load');
      await connectTenant(t, tenant);
      const api = tenantApi(t, tenant);
      const created = await api('POST', '/customers', { email: 'payer@example.com' });
      if (created.statusCode !== 200) throw new Error(`customer: ${created.body}`);
      const customer = created.json() as LoadTarget['customer'];
      const saved = await api('POST', `/customers/${customer.id}/setup_intents`, {
        payment_method: 'pm_card_visa',
      });
      if (saved.statusCode !== 200) throw new Error(`setup intent: ${saved.body}`);
      return { database, server, tenant, customer, close: () => server.stop() };
    } finally {
      await t.close();
    }
  } catch (err) {
    await server.stop();
    throw err;
  }
}

type Kind = 'customer' | 'payment' | 'webhook';
const kinds: Kind[] = ['customer', 'payment', 'webhook'];
// what a client may be told while the database fails, and retry: 503, or 409 while its own first try,
// cut off, still holds the Idempotency-Key
const retryable = (status: number, code: unknown) =>
  (status === 503 && code === 'service_unavailable') || (status === 409 && code === 'idempotency_key_in_use');
const driverText = /57P0|SQLSTATE|terminat|pg_|postgres|not queryable|Failed query|ECONN|timeout exceeded/i;

interface Reply {
  status: number;
  text: string;
}

export class WriteLoad {
  readonly done: Record<Kind, number> = { customer: 0, payment: 0, webhook: 0 };
  /** every answer that was neither a success nor a retryable refusal, or that leaked driver text */
  readonly unexpected: string[] = [];
  /** how often each non-200 answer was seen, e.g. `503 service_unavailable` */
  readonly refusals = new Map<string, number>();
  /** ids of the webhook events the server acknowledged with 200 */
  readonly acknowledged: string[] = [];
  /** Idempotency-Key → the payment it finally created */
  readonly payments = new Map<string, string>();
  private stopping = false;
  private loops: Promise<void>[] = [];
  private failure: unknown = null;
  private seq = 0;

  private readonly target: LoadTarget;

  constructor(target: LoadTarget) {
    this.target = target;
  }

  /** Six customer loops (as the issue reproduced it), two of payments, two of webhook deliveries. */
  start(): void {
    const loop = (kind: Kind) =>
      (async () => {
        while (!this.stopping) {
          await this.once(kind);
          this.done[kind]++;
        }
      })().catch((err) => {
        this.failure ??= err;
      });
    this.loops = [
      ...Array.from({ length: 6 }, () => loop('customer')),
      ...Array.from({ length: 2 }, () => loop('payment')),
      ...Array.from({ length: 2 }, () => loop('webhook')),
    ];
  }

  /** Resolves once every kind of operation has succeeded `n` more times from now. */
  async progress(n: number, what: string, timeoutMs = 120_000): Promise<void> {
    const from = { ...this.done };
    const deadline = Date.now() + timeoutMs;
    while (kinds.some((k) => this.done[k] < from[k] + n)) {
      this.check();
      if (Date.now() > deadline)
        throw new Error(`no progress ${what}: ${JSON.stringify({ from, now: this.done })}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Lets every operation in flight finish (each runs until it succeeds), starts no more. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
    this.check();
  }

  private check(): void {
    this.target.server.assertAlive();
    if (this.failure) throw this.failure;
  }

  private async once(kind: Kind): Promise<void> {
    const n = ++this.seq;
    const { tenant, customer, server } = this.target;
    const base = `${server.url}/v1/tenants/${tenant.publicId}`;
    const key = `load-${kind}-${n}-${randomBytes(4).toString('hex')}`;
    const auth = { authorization: `Bearer ${tenant.key}`, 'content-type': 'application/json' };
    if (kind === 'customer') {
      const body = JSON.stringify({ email: `load-${n}@example.com` });
      await this.untilOk(() => post(`${base}/customers`, body, { ...auth, 'idempotency-key': key }));
    } else if (kind === 'payment') {
      const body = JSON.stringify({
        amount: 1000 + n,
        currency: 'usd',
        customer: customer.id,
        off_session: true,
      });
      const res = await this.untilOk(() =>
        post(`${base}/payment_intents`, body, { ...auth, 'idempotency-key': key }),
      );
      this.payments.set(key, (JSON.parse(res.text) as { id: string }).id);
    } else {
      const event = fakeEvent({ type: 'payment_intent.succeeded' });
      const payload = JSON.stringify(event);
      await this.untilOk(() =>
        post(`${server.url}/webhooks/stripe`, payload, {
          'content-type': 'application/json',
          'stripe-signature': sign(payload),
        }),
      );
      this.acknowledged.push(String(event.id));
    }
  }

  private async untilOk(send: () => Promise<Reply>): Promise<Reply> {
    for (let attempt = 1; ; attempt++) {
      this.check();
      const res = await send().catch((err: Error) => ({ status: 0, text: `network: ${err.message}` }));
      if (res.status === 200) return res;
      if (res.status === 0) {
        // most likely the server died: report that, with what it printed, rather than the fetch error
        await new Promise((r) => setTimeout(r, 500));
        this.check();
      }
      let code: unknown = null;
      try {
        code = (JSON.parse(res.text) as { error?: { code?: unknown } }).error?.code;
      } catch {}
      const label = `${res.status} ${String(code)}`;
      this.refusals.set(label, (this.refusals.get(label) ?? 0) + 1);
      if (!retryable(res.status, code) || driverText.test(res.text)) {
        this.unexpected.push(`${label}: ${res.text.slice(0, 300)}`);
        throw new Error(`unexpected answer ${label}: ${res.text.slice(0, 300)}`);
      }
      if (attempt >= 1000) throw new Error(`still ${label} after ${attempt} tries`);
      await new Promise((r) => setTimeout(r, 20 + Math.min(attempt, 20) * 10));
    }
  }

  /** Every acknowledged webhook event processed, eventually. */
  async waitProcessed(timeoutMs = 120_000): Promise<void> {
    const ids = this.acknowledged.map((id) => `'${id}'`).join(',');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.target.server.assertAlive();
      const [row] = await systemRows<{ n: number }>(
        this.target.database,
        `select count(*)::int as n from stripe_events where id in (${ids}) and status = 'processed'`,
      ).catch(() => [{ n: -1 }]);
      if (row!.n === this.acknowledged.length) return;
      if (Date.now() > deadline)
        throw new Error(`${row!.n} of ${this.acknowledged.length} acknowledged events processed`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The customer's PaymentIntents at Stripe, counted by the Tributary payment they belong to. */
  async paymentIntentsByPayment(): Promise<{ total: number; byPayment: Map<string, number> }> {
    const sandbox = new URL(this.target.server.sandboxUrl);
    const stripe = new Stripe('sk_test_x', {
      host: sandbox.hostname,
      port: Number(sandbox.port),
      protocol: 'http',
    });
    const pis = await stripe.paymentIntents
      .list({ customer: this.target.customer.stripe_customer_id, limit: 100 })
      .autoPagingToArray({ limit: 10_000 });
    const byPayment = new Map<string, number>();
    for (const pi of pis) {
      const id = pi.metadata.tributary_payment ?? '(none)';
      byPayment.set(id, (byPayment.get(id) ?? 0) + 1);
    }
    return { total: pis.length, byPayment };
  }
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<Reply> {
  const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
  return { status: res.status, text: await res.text() };
}

/**
 * Runs the write load, breaks the database `rounds` times (`fault`), each once every kind of operation has
 * made progress, then requires: the process kept serving (every kind succeeded again after each fault),
 * no answer but 200 or a retryable refusal and none with driver text, every acknowledged webhook event
 * processed, and one PaymentIntent per payment request (however often it was retried).
 */
export async function assertSurvivesFaults(
  target: LoadTarget,
  fault: (round: number) => Promise<void>,
  rounds: number,
): Promise<WriteLoad> {
  const load = new WriteLoad(target);
  const started = Date.now();
  const phases: string[] = [];
  const phase = (name: string) => phases.push(`${name} ${((Date.now() - started) / 1000).toFixed(1)}s`);
  try {
    load.start();
    await load.progress(3, 'before the faults');
    for (let round = 1; round <= rounds; round++) {
      phase(`fault ${round}`);
      await fault(round);
      await load.progress(3, `after fault ${round}`);
    }
  } finally {
    phase('stop');
    await load.stop();
  }
  expect(load.unexpected).toEqual([]);
  phase('stopped');
  await load.waitProcessed();
  phase('processed');
  console.log('write load through database faults:', {
    done: load.done,
    refused: Object.fromEntries(load.refusals),
    timeline: phases.join(', '),
  });
  const { total, byPayment } = await load.paymentIntentsByPayment();
  expect(total).toBe(load.payments.size);
  for (const [key, payment] of load.payments) expect(byPayment.get(payment), key).toBe(1);
  target.server.assertAlive();
  return load;
}
