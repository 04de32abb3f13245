import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import type { TestApp } from './app.ts';
import { TEST_WEBHOOK_SECRET } from './app.ts';

const sdk = new Stripe('sk_test_helpers');

let seq = 0;
/** A realistic snapshot event (~3.5 KB like Stripe's payment_intent events). */
export function fakeEvent(
  over: { id?: string; type?: string; account?: string | null; created?: number; object?: object } = {},
): Record<string, unknown> {
  const id =
    over.id ?? `evt_test${Date.now().toString(36)}${(++seq).toString(36)}${randomBytes(4).toString('hex')}`;
  return {
    id,
    object: 'event',
    api_version: '2025-10-29.clover',
    created: over.created ?? Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: `req_${randomBytes(7).toString('hex')}`, idempotency_key: null },
    type: over.type ?? 'tributary.test_unhandled',
    ...(over.account ? { account: over.account } : {}),
    data: {
      object: over.object ?? {
        id: `pi_${randomBytes(12).toString('hex')}`,
        object: 'payment_intent',
        amount: 2000,
        currency: 'usd',
        status: 'succeeded',
        description: 'x'.repeat(2600),
        metadata: { order_id: String(seq) },
      },
    },
  };
}

export function sign(payload: string, secret = TEST_WEBHOOK_SECRET, timestamp?: number): string {
  return sdk.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

/** Delivers `event` to the app as Stripe would: the exact JSON bytes, signed. */
export function deliver(
  t: Pick<TestApp, 'app'>,
  event: Record<string, unknown> | string,
  opts: { path?: string; secret?: string; header?: string | null; timestamp?: number } = {},
) {
  const payload = typeof event === 'string' ? event : JSON.stringify(event);
  const header = opts.header === undefined ? sign(payload, opts.secret, opts.timestamp) : opts.header;
  return t.app.inject({
    method: 'POST',
    url: opts.path ?? '/webhooks/stripe',
    headers: {
      'content-type': 'application/json',
      ...(header === null ? {} : { 'stripe-signature': header }),
    },
    payload,
  });
}

/** Runs SQL as the database owner (PGlite's one session drops to the app role after migrating). */
export async function ownerSql(database: TestApp['database'], text: string): Promise<void> {
  if (database.pglite) {
    await database.pglite.exec(`RESET ROLE; ${text}; SET ROLE tributary_app;`);
  } else {
    await database.ownerExec(text);
  }
}

/** Reads across tenants (RLS bypassed) for assertions. */
export async function systemRows<T>(database: TestApp['database'], text: string): Promise<T[]> {
  const { withSystem } = await import('../../src/db/tenant.ts');
  const { sql } = await import('drizzle-orm');
  return withSystem(database.db, 'webhooks.operator_events', async (tx) => {
    const res = (await tx.execute(sql.raw(text))) as unknown as { rows: T[] };
    return res.rows;
  });
}

/**
 * Polls for an outcome. The deadline sits below the test timeout so a hang fails with what was awaited and,
 * from `state`, what the system looked like then, instead of a bare timeout.
 */
export async function waitFor<T>(
  fn: () => Promise<T | null | undefined | false>,
  what: string,
  state?: () => Promise<unknown>,
  timeoutMs = 45_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  const seen = state ? `; state: ${JSON.stringify(await state().catch((e: Error) => e.message))}` : '';
  throw new Error(`gave up waiting for ${what}${seen}`);
}

/** What the pipeline holds, for a waitFor that gave up: recent events, jobs and outbound deliveries. */
export function pipelineState(p: Pipeline): () => Promise<unknown> {
  return async () => ({
    events: await systemRows(
      p.t.database,
      'select id, type, status, attempts, tenant_id, account, source from stripe_events order by created desc limit 20',
    ),
    jobs: await systemRows(
      p.t.database,
      'select name, state, retry_count, output, start_after from pgboss.job order by created_on desc limit 20',
    ),
    outbound: await systemRows(
      p.t.database,
      'select e.type, e.tenant_id, d.status, d.attempts from outbound_events e left join outbound_deliveries d on d.event_id = e.id',
    ),
    sandboxDeliveries: await (await fetch(`${p.sandbox.url}/_sandbox/webhooks/attempts`)).json(),
  });
}

export interface Pipeline {
  t: TestApp;
  url: string;
  sandbox: import('tributary-sandbox').Sandbox;
  stripe: Stripe;
  jobs: import('../../src/jobs/boss.ts').Jobs;
  close(): Promise<void>;
}

/**
 * The whole pipeline on loopback: the sandbox, the app listening on a real port with its two webhook
 * endpoints registered on the sandbox, and a worker processing jobs.
 */
export async function startPipeline(
  env: Record<string, string> = {},
  opts: { freshDatabase?: boolean; sandbox?: import('tributary-sandbox').SandboxOptions } = {},
): Promise<Pipeline> {
  const { startSandbox } = await import('tributary-sandbox');
  const { startTestApp } = await import('./app.ts');
  const { startWorker } = await import('../../src/runtime.ts');
  const { StripeRef } = await import('../../src/stripe/client.ts');
  const { createLogger } = await import('../../src/logger.ts');
  const sandbox = await startSandbox({ port: 0, webhookRetrySchedule: [1, 1, 1, 1, 1], ...opts.sandbox });
  const { createDatabase } = await import('./db.ts');
  const database = opts.freshDatabase ? await createDatabase() : undefined;
  const t = await startTestApp({
    env: { STRIPE_API_BASE: sandbox.url, WEBHOOK_RETRY_DELAY_SECONDS: '1', ...env },
    database,
  });
  const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const stripe = new Stripe('sk_test_x', { host: '127.0.0.1', port: sandbox.port, protocol: 'http' });
  for (const connect of [false, true]) {
    const ep = await stripe.webhookEndpoints.create({
      url: `${url}/webhooks/stripe${connect ? '/connect' : ''}`,
      enabled_events: ['*'],
      connect,
    });
    // the app's StripeRef reads config.webhookSecrets (the same array)
    t.config.webhookSecrets.push(ep.secret!);
  }
  // The worker's database is shared with the test files this process ran before, whose pipelines are gone:
  // jobs they left (retries against their closed sandboxes) would take this worker's slots, one queue of
  // which works one job at a time, and hold this file's jobs back.
  if (!database)
    await ownerSql(t.database, "delete from pgboss.job where state in ('created', 'retry', 'active')");
  const jobs = await startWorker(t.config, t.database, createLogger('silent'), {
    stripe: new StripeRef(t.config),
  });
  return {
    t,
    url,
    sandbox,
    stripe,
    jobs,
    close: async () => {
      await sandbox.close();
      await jobs.stop();
      await t.close();
      await database?.close();
    },
  };
}

/** A platform outbound endpoint and a stored Stripe event: ids for the routes that take them. */
export async function endpointAndEvent(
  t: TestApp,
  url: string,
): Promise<{ endpointId: string; eventId: string }> {
  const endpoint = await t.app.inject({
    method: 'POST',
    url: '/v1/webhook_endpoints',
    headers: { authorization: `Bearer ${t.platformKey}` },
    payload: { url },
  });
  if (endpoint.statusCode !== 200) throw new Error(`endpoint: ${endpoint.body}`);
  const event = fakeEvent();
  const delivered = await deliver(t, event);
  if (delivered.statusCode !== 200) throw new Error(`delivery: ${delivered.body}`);
  return { endpointId: endpoint.json().id, eventId: String(event.id) };
}

/** A fake event as the receiver hands it to the inbox (`insertEvents`): a snapshot, its body parsed. */
export function inboundOf(
  e: Record<string, unknown>,
  source: 'platform' | 'connect' = 'platform',
): import('../../src/webhooks/inbox.ts').InboundEvent {
  return {
    id: e.id as string,
    type: e.type as string,
    account: (e.account as string | undefined) ?? null,
    source,
    kind: 'snapshot',
    livemode: false,
    created: e.created as number,
    apiVersion: null,
    payload: e,
    rawBody: null,
  };
}
