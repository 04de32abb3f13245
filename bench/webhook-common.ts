// Shared by the webhook benchmarks: a fresh migrated Postgres database per run, realistic signed events.

import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { openDatabase } from '../packages/server/src/db/client.ts';
import { migrateDatabase } from '../packages/server/src/db/migrate.ts';

export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const WEBHOOK_SECRET = 'whsec_tributary_bench_secret';

/** Creates `tributary_bench_<suffix>` on the admin URL's server, migrates it, returns its URL. */
export async function freshDatabase(suffix: string): Promise<string> {
  const base = new URL(ADMIN_URL);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(base.hostname)) {
    throw new Error(`benchmarks only target loopback; DATABASE_URL host is ${base.hostname}`);
  }
  const name = `tributary_bench_${suffix}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  base.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'pg', url: base.toString(), poolSize: 4 });
  await migrateDatabase(database);
  await database.close();
  return base.toString();
}

/** Drops the bench databases this run created (BENCH_KEEP_DB=1 keeps them for inspection). */
export async function dropDatabases(urls: string[]): Promise<void> {
  if (process.env.BENCH_KEEP_DB) return;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  for (const url of urls) {
    const name = new URL(url).pathname.slice(1);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  await admin.end();
}

// A charge.succeeded event around the charge fixture Stripe publishes (~3.9 KB, like Stripe's own).
// Outside this workspace (no shared fixtures) a padded stand-in keeps the size.
function loadChargeFixture(): Record<string, unknown> {
  try {
    const fixtures = JSON.parse(
      readFileSync(new URL('../../shared/stripe/fixtures3.json', import.meta.url), 'utf8'),
    ) as { resources: Record<string, Record<string, unknown>> };
    if (fixtures.resources.charge) return fixtures.resources.charge;
  } catch {}
  return {
    object: 'charge',
    amount: 1099,
    currency: 'usd',
    status: 'succeeded',
    description: 'x'.repeat(3000),
  };
}
const chargeFixture = loadChargeFixture();

let seq = 0;
const runTag = randomBytes(4).toString('hex');

/** A unique realistic snapshot event: `evt_…` id, a `ch_…` charge with per-event ids. */
export function chargeEvent(
  type = 'charge.succeeded',
  account: string | null = null,
): { id: string; body: string } {
  const n = (++seq).toString(36);
  const id = `evt_bench${runTag}${n.padStart(8, '0')}`;
  const event = {
    id,
    object: 'event',
    api_version: '2025-10-29.clover',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: `req_bench${runTag}${n}`, idempotency_key: null },
    type,
    ...(account ? { account } : {}),
    data: {
      object: {
        ...chargeFixture,
        id: `ch_bench${runTag}${n}`,
        livemode: false,
        payment_intent: `pi_bench${runTag}${n}`,
        metadata: { order_id: `order_${n}` },
      },
    },
  };
  return { id, body: JSON.stringify(event) };
}

/** Stripe-Signature for `payload` (same scheme as stripe.webhooks.generateTestHeaderString). */
export function signature(
  payload: string,
  secret = WEBHOOK_SECRET,
  t = Math.floor(Date.now() / 1000),
): string {
  const v1 = createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/** `taskset -c <cpu>` prefix when taskset exists and the machine has more than one core. */
export function pinPrefix(cpu: number): string[] {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
  } catch {
    return [];
  }
  return [`taskset`, '-c', String(cpu)];
}

export function machineLoad(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return 'uptime unavailable';
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
