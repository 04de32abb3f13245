// Worker drain throughput: a backlog of stored events (each with its pg-boss job, written through the
// inbox's own insertEvents) drained by the webhook worker (`startWorker`), timed from worker start until
// every event is processed. Scenarios: real Postgres without refetch (100k events), real Postgres with
// refetch from the sandbox (`startSandbox` in this process, called over loopback HTTP), PGlite without refetch (10k events).
// Events: payment_intent.created / payment_intent.succeeded / charge.succeeded for the same payments (so the
// last_synced_at guard and outbound emits are exercised), ~3.5 KB each, unique ids.
// Env: DATABASE_URL (admin URL; default postgres://postgres@127.0.0.1:5432/postgres), BENCH_DRAIN_EVENTS
// (default 100000), BENCH_DRAIN_REFETCH_EVENTS (default 10000), BENCH_DRAIN_PGLITE_EVENTS (default 10000),
// BENCH_DRAIN_TIMEOUT_SECONDS (per scenario, default 300), BENCH_ONLY (pg | refetch | pglite).
import { writeFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import Stripe from 'stripe';
import { startSandbox } from 'tributary-sandbox';
import { loadConfig } from '../packages/server/src/config.ts';
import { type Database, openDatabase, queryRows } from '../packages/server/src/db/client.ts';
import { migrateDatabase } from '../packages/server/src/db/migrate.ts';
import { withSystem } from '../packages/server/src/db/tenant.ts';
import { startJobs } from '../packages/server/src/jobs/boss.ts';
import { createLogger } from '../packages/server/src/logger.ts';
import { startWorker } from '../packages/server/src/runtime.ts';
import { StripeRef } from '../packages/server/src/stripe/client.ts';
import { SANDBOX_SECRET_KEY } from '../packages/server/src/stripe/target.ts';
import {
  EVENTS_PER_BATCH,
  type InboundEvent,
  insertEvents,
  JOBS_PER_BATCH,
} from '../packages/server/src/webhooks/inbox.ts';
import { dropDatabases, freshDatabase, machineLoad } from './webhook-common.ts';

const nPg = Number(process.env.BENCH_DRAIN_EVENTS ?? 100_000);
const nRefetch = Number(process.env.BENCH_DRAIN_REFETCH_EVENTS ?? 10_000);
const nPglite = Number(process.env.BENCH_DRAIN_PGLITE_EVENTS ?? 10_000);
const timeoutSeconds = Number(process.env.BENCH_DRAIN_TIMEOUT_SECONDS ?? 300);
const only = process.env.BENCH_ONLY;
const log = createLogger('silent');
const pad = 'x'.repeat(2400);

interface Source {
  type: string;
  object: Record<string, unknown>;
}

/** Synthetic objects (no refetch): one payment = a created and a succeeded PI event and a charge event. */
function syntheticSources(payments: number): Source[] {
  const out: Source[] = [];
  for (let i = 0; i < payments; i++) {
    const pi = {
      id: `pi_drain${i}`,
      object: 'payment_intent',
      amount: 2000,
      currency: 'usd',
      description: pad,
    };
    out.push({ type: 'payment_intent.created', object: { ...pi, status: 'requires_payment_method' } });
    out.push({
      type: 'payment_intent.succeeded',
      object: { ...pi, status: 'succeeded', latest_charge: `ch_drain${i}` },
    });
    out.push({
      type: 'charge.succeeded',
      object: { id: `ch_drain${i}`, object: 'charge', amount: 2000, payment_intent: pi.id, description: pad },
    });
  }
  return out;
}

let seq = 0;
function eventsFrom(sources: Source[], n: number): InboundEvent[] {
  const now = Math.floor(Date.now() / 1000);
  const out: InboundEvent[] = [];
  for (let i = 0; i < n; i++) {
    const s = sources[i % sources.length]!;
    const id = `evt_drain${(++seq).toString(36).padStart(8, '0')}`;
    out.push({
      id,
      type: s.type,
      account: null,
      source: 'platform',
      kind: 'snapshot',
      livemode: false,
      created: now - 60 + Math.floor(i / sources.length),
      apiVersion: '2025-10-29.clover',
      payload: {
        id,
        object: 'event',
        api_version: '2025-10-29.clover',
        created: now,
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type: s.type,
        data: { object: s.object },
      },
    });
  }
  return out;
}

async function fillBacklog(
  database: Database,
  config: ReturnType<typeof loadConfig>,
  events: InboundEvent[],
) {
  const sender = await startJobs(database, log, { work: false, definitions: [] });
  const t0 = performance.now();
  for (let i = 0; i < events.length; i += 1000) {
    await withSystem(database.db, 'webhooks.ingest', (tx) =>
      insertEvents(tx, sender, config, events.slice(i, i + 1000)),
    );
  }
  await sender.stop();
  return (performance.now() - t0) / 1000;
}

/** Progress from the status index (unfinished rows only): a scan of the whole table would load the drain. */
async function counts(database: Database, total: number) {
  const [row] = await withSystem(database.db, 'webhooks.operator_events', (tx) =>
    queryRows<{ open: number; failed: number; dead: number }>(
      tx,
      sql`select count(*)::int as open,
                 count(*) filter (where status = 'failed')::int as failed,
                 count(*) filter (where status = 'dead')::int as dead
          from stripe_events where status in ('pending', 'failed', 'dead')`,
    ),
  );
  return { done: total - row!.open, failed: row!.failed, dead: row!.dead };
}

interface Outcome {
  label: string;
  events: number;
  fillSeconds: number;
  seconds: number;
  processed: number;
  failed: number;
  dead: number;
  rate: number;
  complete: boolean;
  notes: string;
}

async function drain(
  label: string,
  database: Database,
  env: Record<string, string>,
  events: InboundEvent[],
  stripe: StripeRef | undefined,
  notes: string,
): Promise<Outcome> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', ...env });
  console.log(`${label}: filling a backlog of ${events.length} events…`);
  const fillSeconds = await fillBacklog(database, config, events);
  console.log(`${label}: backlog stored in ${fillSeconds.toFixed(1)} s; draining…`);
  const t0 = performance.now();
  const jobs = await startWorker(config, database, log, { stripe: stripe ?? new StripeRef(config) });
  let c = { done: 0, failed: 0, dead: 0 };
  const deadline = t0 + timeoutSeconds * 1000;
  let lastPrint = t0;
  while (performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    c = await counts(database, events.length);
    if (c.done + c.dead >= events.length) break;
    if (performance.now() - lastPrint > 5000) {
      lastPrint = performance.now();
      console.log(`  ${c.done} processed after ${((lastPrint - t0) / 1000).toFixed(0)} s`);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  await jobs.stop();
  const out: Outcome = {
    label,
    events: events.length,
    fillSeconds,
    seconds,
    processed: c.done,
    failed: c.failed,
    dead: c.dead,
    rate: c.done / seconds,
    complete: c.done >= events.length,
    notes,
  };
  console.log(
    `${label}: ${out.processed}/${out.events} in ${seconds.toFixed(1)} s → ${Math.round(out.rate)} events/s`,
  );
  return out;
}

async function openPg(suffix: string) {
  const url = await freshDatabase(suffix);
  const database = await openDatabase({ kind: 'pg', url, poolSize: 10 });
  await database.dropToAppRole();
  return { url, database };
}

const loadBefore = machineLoad();
const outcomes: Outcome[] = [];
const dropped: string[] = [];

if (!only || only === 'pg') {
  const { url, database } = await openPg('drain');
  dropped.push(url);
  outcomes.push(
    await drain(
      'Postgres, no refetch',
      database,
      { DATABASE_URL: url, WEBHOOK_REFETCH: 'false' },
      eventsFrom(syntheticSources(Math.ceil(nPg / 3)), nPg),
      undefined,
      'handlers apply the delivered snapshot',
    ),
  );
  await database.close();
}

if (!only || only === 'refetch') {
  const sandbox = await startSandbox({ port: 0, host: '127.0.0.1' });
  const client = new Stripe(SANDBOX_SECRET_KEY, {
    host: '127.0.0.1',
    port: sandbox.port,
    protocol: 'http',
    telemetry: false,
  });
  // real objects in the sandbox; the backlog cycles through their own events with fresh event ids
  const sources: Source[] = [];
  for (let i = 0; i < 300; i++) {
    const pi = await client.paymentIntents.create({
      amount: 2000 + i,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      description: pad.slice(0, 1500),
    });
    sources.push({ type: 'payment_intent.created', object: { ...pi, status: 'requires_payment_method' } });
    sources.push({ type: 'payment_intent.succeeded', object: pi as unknown as Record<string, unknown> });
    if (typeof pi.latest_charge === 'string') {
      const ch = await client.charges.retrieve(pi.latest_charge);
      sources.push({ type: 'charge.succeeded', object: ch as unknown as Record<string, unknown> });
    }
  }
  const stripe = new StripeRef(loadConfig({ NODE_ENV: 'test' }));
  stripe.use({ secretKey: SANDBOX_SECRET_KEY, apiBase: sandbox.url, webhookSecrets: [] });
  const { url, database } = await openPg('drain_refetch');
  dropped.push(url);
  outcomes.push(
    await drain(
      'Postgres, refetch from the sandbox',
      database,
      { DATABASE_URL: url, WEBHOOK_REFETCH: 'true' },
      eventsFrom(sources, nRefetch),
      stripe,
      'every event refetches its payment intent or charge from the sandbox (in this process, over loopback HTTP)',
    ),
  );
  await database.close();
  await sandbox.close();
}

if (!only || only === 'pglite') {
  const database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  await migrateDatabase(database);
  await database.dropToAppRole();
  outcomes.push(
    await drain(
      'PGlite (in memory), no refetch',
      database,
      { WEBHOOK_REFETCH: 'false' },
      eventsFrom(syntheticSources(Math.ceil(nPglite / 3)), nPglite),
      undefined,
      'embedded mode: one connection, one transaction at a time',
    ),
  );
  await database.close();
}
await dropDatabases(dropped);
const loadAfter = machineLoad();

const cfg = loadConfig({});
const report = `# Webhook worker drain throughput

${new Date().toISOString()} · Node ${process.version} · ${process.arch} · worker settings: WEBHOOK_WORKER_CONCURRENCY=${cfg.WEBHOOK_WORKER_CONCURRENCY}, pool 10

Machine load before: \`${loadBefore}\`
Machine load after: \`${loadAfter}\`

A backlog of stored events, each with its pg-boss job (written with the inbox's \`insertEvents\`), is drained by
\`startWorker()\` in this process; the time runs from worker start until every event is processed. Events are
\`payment_intent.created\`, \`payment_intent.succeeded\` and \`charge.succeeded\` for the same payments (guarded
upserts, outbound emits), ~3.5 KB each. The machine has 2 cores shared with other work (Postgres included),
so the numbers are noisy. The backlog is written in commits of 1,000 events, so its jobs name 100 events each
(the inbox's group jobs); the worker takes up to ${JOBS_PER_BATCH} jobs per fetch and applies their events in batches
of up to ${EVENTS_PER_BATCH}.

Targets: Postgres without refetch ≥ 2,500 events/s, with refetch from the sandbox ≥ 1,000/s, PGlite ≥ 800/s.

| scenario | events | backlog write s | drain s | processed | failed | dead | events/s | notes |
|---|---|---|---|---|---|---|---|---|
${outcomes
  .map(
    (o) =>
      `| ${o.label} | ${o.events} | ${o.fillSeconds.toFixed(1)} | ${o.seconds.toFixed(1)} | ${o.processed}${o.complete ? '' : ' (timed out)'} | ${o.failed} | ${o.dead} | **${Math.round(o.rate)}** | ${o.notes} |`,
  )
  .join('\n')}
`;
const targets: Record<string, number> = {
  'Postgres, no refetch': 2500,
  'Postgres, refetch from the sandbox': 1000,
  'PGlite (in memory), no refetch': 800,
};
const verdicts = outcomes
  .map((o) => {
    const target = targets[o.label];
    return target === undefined
      ? ''
      : `- ${o.label}: ${Math.round(o.rate)} events/s (target ≥ ${target}): ${o.complete && o.rate >= target ? 'met' : 'NOT met'}`;
  })
  .filter(Boolean)
  .join('\n');
writeFileSync(new URL('./results/webhook-drain.md', import.meta.url), `${report}\n${verdicts}\n`);
console.log(report);
process.exit(outcomes.every((o) => o.complete) ? 0 : 1);
