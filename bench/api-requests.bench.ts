// Throughput of authenticated API requests: API-key lookup, RLS tenant transaction, JSON out.
// Runs against DATABASE_URL's Postgres when set (a fresh database), else PGlite in memory.
// Env: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 32).
import { writeFileSync } from 'node:fs';
import autocannon from 'autocannon';
import * as apiKeys from '../packages/server/src/api-keys/service.ts';
import { toPublicId } from '../packages/server/src/http/ids.ts';
import { scopeInTenant } from '../packages/server/src/scope/tenant.ts';
import * as tenants from '../packages/server/src/tenants/service.ts';
import { startBenchServer } from './bench-database.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);

const { database, label, drop, running, ctx } = await startBenchServer('tributary_bench');
const tenant = await tenants.createTenant(ctx, { name: 'Bench' });
const tenantId = toPublicId('tenant', tenant.id);
const { secret } = await apiKeys.createTenantKey(scopeInTenant(ctx, tenant.id), {
  name: 'bench',
  type: 'secret',
});
const url = running.url;

/** `path`, when given, is the request's: autocannon takes the path from `url` (a top-level `path` is ignored). */
async function run(title: string, opts: Partial<autocannon.Options> & { path?: string }) {
  const { path, ...rest } = opts;
  const r = await autocannon({
    url: path ? `${url}${path}` : url,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    ...rest,
  });
  const errors = r.non2xx + r.errors;
  console.log(
    `${title}: ${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, errors ${errors}`,
  );
  return `| ${title} | ${Math.round(r.requests.average)} | ${r.latency.p50} | ${r.latency.p99} | ${errors} |`;
}

let n = 0;
const probe = await fetch(`${url}/v1/tenants/${tenantId}`, {
  method: 'POST',
  headers: {
    authorization: `Bearer ${secret}`,
    'content-type': 'application/json',
    'idempotency-key': 'probe',
  },
  body: JSON.stringify({ metadata: { n: '0' } }),
});
if (probe.status !== 200) throw new Error(`probe failed: ${probe.status} ${await probe.text()}`);
const rows = [
  await run(`GET /v1/tenants/{id}`, { method: 'GET', path: `/v1/tenants/${tenantId}` }),
  await run(`GET /v1/tenants/{id}/api_keys`, {
    method: 'GET',
    path: `/v1/tenants/${tenantId}/api_keys?limit=10`,
  }),
  await run('POST /v1/tenants/{id} with Idempotency-Key', {
    requests: [
      {
        method: 'POST',
        path: `/v1/tenants/${tenantId}`,
        setupRequest: (req) => ({
          ...req,
          headers: { ...req.headers, 'idempotency-key': `bench-${++n}` },
          body: JSON.stringify({ metadata: { n: String(n) } }),
        }),
      },
    ],
  }),
];
await running.stop();
await database.close();

const report = `# API request throughput

${new Date().toISOString()} · ${label} · ${connections} connections · ${seconds} s per row · autocannon on loopback · Node ${process.version} · ${process.arch}

| request | req/s | p50 ms | p99 ms | non-2xx/errors |
|---|---|---|---|---|
${rows.join('\n')}

Each request resolves the API key (system transaction), then runs the route in a tenant transaction with
row-level security; the POST also takes and completes its idempotency record (two more transactions).
Reports before 2026-12-03 are not comparable: their GET rows measured \`/\` (autocannon ignores a top-level
\`path\`), the dashboard's page or a 404, not the API.
`;
writeFileSync(new URL('./results/api-requests.md', import.meta.url), report);
console.log(report);
await drop();
