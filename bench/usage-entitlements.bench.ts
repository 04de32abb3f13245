// Platform billing's hot paths over 1,000 tenants: GET /v1/tenants/{id}/entitlements (and the check) as the
// platform's app calls them, and usage ingest through the batch route (events/s) and the single-event route.
// Runs against DATABASE_URL's Postgres when set (a fresh database), else PGlite in memory.
// Env: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 32), BENCH_TENANTS (default 1000),
// BENCH_ROWS=reads (the three GET rows only, for profiling: `node --cpu-prof bench/usage-entitlements.bench.ts`).
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as apiKeys from '../packages/server/src/api-keys/service.ts';
import { planLimits, plans } from '../packages/server/src/db/schema/index.ts';
import { withSystem } from '../packages/server/src/db/tenant.ts';
import { asUuid, toPublicId } from '../packages/server/src/http/ids.ts';
import { scopeInTenant } from '../packages/server/src/scope/tenant.ts';
import * as tenants from '../packages/server/src/tenants/service.ts';
import { startBenchServer } from './bench-database.ts';
import { loadInChild } from './load/in-child.ts';
import { BATCH, TENANTS_PER_BATCH } from './load/usage-requests.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const tenantCount = Number(process.env.BENCH_TENANTS ?? 1000);
const readsOnly = process.env.BENCH_ROWS === 'reads';

const load = () => execSync('uptime').toString().trim();
const loadBefore = load();
const { database, label, drop, running, ctx } = await startBenchServer('tributary_bench_usage');

// a plan with a soft payment volume limit, a hard custom one and a feature; every tenant on it
const planId = await withSystem(database.db, 'operator.billing', async (tx) => {
  const [plan] = await tx
    .insert(plans)
    .values({ lookupKey: 'pro', name: 'Pro', features: { sso: true } })
    .returning();
  await tx.insert(planLimits).values([
    { planId: plan!.id, metric: 'payment_volume', currency: 'usd', limit: 5_000_000, enforcement: 'soft' },
    { planId: plan!.id, metric: 'api_calls', limit: 1_000_000_000, enforcement: 'hard' },
  ]);
  return plan!.id;
});
const ids: string[] = [];
for (let i = 0; i < tenantCount; i++) ids.push((await tenants.createTenant(ctx, { name: `Bench ${i}` })).id);
await database.ownerExec(
  `insert into tenant_billing (tenant_id, plan_id, currency, interval, period_start, period_end)
   select id, '${planId}', 'usd', 'month', now() - interval '1 day', now() + interval '29 days' from tenants`,
);
const publicIds = ids.map((id) => toPublicId('tenant', id));
const { secret } = await apiKeys.createPlatformKey(ctx, { name: 'bench', type: 'secret' });
const url = running.url;

interface Row {
  line: string;
  rps: number;
}

const requests = new URL('./load/usage-requests.ts', import.meta.url).pathname;

async function run(
  title: string,
  row: string,
  opts: { connections?: number; perRequest?: number; key?: string } = {},
): Promise<Row> {
  const r = await loadInChild({
    url,
    key: opts.key ?? secret,
    seconds,
    connections: opts.connections ?? connections,
    requests,
    row,
    data: { publicIds },
  });
  const errors = r.non2xx + r.errors;
  const rps = r.requests.average;
  const perRequest = opts.perRequest ?? 1;
  const line = `| ${title} | ${Math.round(rps)}${perRequest > 1 ? ` (${Math.round(rps * perRequest)} events/s)` : ''} | ${r.latency.p50} | ${r.latency.p99} | ${errors} | ${opts.connections ?? connections} |`;
  console.log(line);
  return { line, rps };
}

// warm up: every tenant's first read
for (const p of publicIds.slice(0, 50))
  await fetch(`${url}/v1/tenants/${p}/entitlements`, { headers: { authorization: `Bearer ${secret}` } });

const rows: Row[] = [];
// the floor every tenant route pays: the key lookup, the tenant check and one tenant transaction
rows.push(await run('baseline: GET /v1/tenants/{id}', 'tenant'));
rows.push(await run('GET /v1/tenants/{id}/entitlements (1,000 tenants, in turn)', 'entitlements'));
// the tenant's own key: no platform tenant check (a transaction) before the route
const own = await apiKeys.createTenantKey(scopeInTenant(ctx, asUuid('tenant', ids[0]!)), {
  name: 'bench',
  type: 'secret',
});
rows.push(
  await run('GET /v1/tenants/{id}/entitlements (one tenant, its own key)', 'ownEntitlements', {
    key: own.secret,
  }),
);
// reads while usage is recorded: each event forgets its tenant's cached answer (4 writers, one event each)
const [mixedReads, mixedWrites] = await Promise.all([
  run('GET /v1/tenants/{id}/entitlements while the next row writes', 'entitlements'),
  run('… POST /v1/tenants/{id}/usage_events at the same time', 'single', { connections: 4 }),
]);
rows.push(mixedReads!, mixedWrites!);
if (!readsOnly) {
  rows.push(await run('POST /v1/tenants/{id}/entitlements/check', 'check'));
  rows.push(await run('POST /v1/tenants/{id}/usage_events (one event)', 'single'));
  rows.push(
    await run(`POST /v1/usage_events/batch (${BATCH} events, ${TENANTS_PER_BATCH} tenants each)`, 'batch', {
      connections: 4,
      perRequest: BATCH,
    }),
  );
}
await running.stop();
await database.close();

const report = `# Platform billing: entitlements and usage ingest

${new Date().toISOString()} · ${label} · ${tenantCount} tenants on one plan · ${seconds} s per row · autocannon on
loopback from a process of its own · Node ${process.version} · ${process.arch} · one server process

| request | req/s | p50 ms | p99 ms | non-2xx/errors | connections |
|---|---|---|---|---|---|
${rows.map((r) => r.line).join('\n')}

Machine load before: \`${loadBefore}\`; after: \`${load()}\`.

The key is resolved from the process's key cache (auth/key-cache.ts; a system transaction on a miss), and
each tenant's entitlements answer from the process's entitlements cache (billing/entitlements-cache.ts): a
hit opens no transaction. A miss costs one tenant transaction of 3 statements (BEGIN with the
row-level-security settings in one message, the one read, COMMIT); its read proves the tenant exists, so a
platform key pays no separate check. Every usage event forgets its tenant's answer (in this process when
its transaction commits; in others when the trigger's announcement arrives), so the row "while the next row
writes" reads while 4 connections record events for the same 1,000 tenants. The check answers from the
same cached entitlements, after the platform-named tenant check every other tenant route makes in a
transaction of its own (\`GET /v1/tenants/{id}\`: 7 statements). An event inserts itself, upserts its
summary and checks thresholds. A batch takes its tenants in turn in one transaction (\`set_config\` per
tenant), one multi-row insert and one summary upsert per tenant.
`;
if (!readsOnly) writeFileSync(new URL('./results/usage-entitlements.md', import.meta.url), report);
console.log(report);
await drop();
