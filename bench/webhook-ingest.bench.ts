// Webhook ingest: Tributary's POST /webhooks/stripe against a bare baseline (bench/baseline-ingest.ts:
// node:http + HMAC verify + one transaction per request inserting the event and its pg-boss job row),
// both on real Postgres, same signed ~3.9 KB events with unique ids, autocannon with 64 connections on
// loopback, three alternating runs each. Each server is its own process pinned to core 1 with taskset, the
// load generator (this process) to core 0; Postgres is not pinned. Afterwards every acknowledged (2xx)
// event is looked up: its stripe_events row and its job row must both exist.
// Env: DATABASE_URL (admin URL; default postgres://postgres@127.0.0.1:5432/postgres), BENCH_SECONDS
// (default 10), BENCH_CONNECTIONS (default 64), BENCH_RUNS (default 3), BENCH_POOL_SIZE (default 20).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import {
  type Audit,
  audit,
  drive,
  type LoadResult,
  lostIn,
  startServer,
  stopServers,
} from './ingest-load.ts';
import {
  chargeEvent,
  dropDatabases,
  freshDatabase,
  machineLoad,
  median,
  pinPrefix,
  WEBHOOK_SECRET,
} from './webhook-common.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 64);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const poolSize = Number(process.env.BENCH_POOL_SIZE ?? 20);
const benchDir = new URL('.', import.meta.url).pathname;

// the load generator on core 0, the servers on core 1 (when the machine has two cores or more)
let pinned = false;
try {
  execFileSync('taskset', ['-pc', '0', String(process.pid)], { stdio: 'ignore' });
  pinned = true;
} catch {}

const loadBefore = machineLoad();
const trbUrl = await freshDatabase('ingest_trb');
const baseUrl = await freshDatabase('ingest_base');

const pin = pinned ? pinPrefix(1) : [];
const serverCmd = (script: string) => [...pin, process.execPath, `${benchDir}${script}`];
const hardStop = setTimeout(
  () => {
    console.error('webhook-ingest bench: time limit reached');
    stopServers();
    process.exit(2);
  },
  (runs * 2 * (seconds + 5) + 240) * 1000,
);
hardStop.unref();

const servers = {
  tributary: await startServer('tributary', serverCmd('tributary-ingest-server.ts'), {
    DATABASE_URL: trbUrl,
    DATABASE_POOL_SIZE: String(poolSize),
    STRIPE_WEBHOOK_SECRETS: WEBHOOK_SECRET,
    PORT: '0',
    NODE_ENV: 'development',
  }),
  baseline: await startServer('baseline', serverCmd('baseline-ingest.ts'), {
    DATABASE_URL: baseUrl,
    POOL_SIZE: String(poolSize),
    WEBHOOK_SECRET,
    PORT: '0',
  }),
};
const urls = { tributary: servers.tributary.url, baseline: servers.baseline.url };
type Name = keyof typeof servers;
const acked: Record<Name, string[]> = { tributary: [], baseline: [] };

type Result = LoadResult;
const load = (name: Name, duration: number) =>
  drive(urls[name], name === 'tributary' ? '/webhooks/stripe' : '/', connections, duration, acked[name]);

// warm-up (JIT, pools), not reported; its events are counted with the rest
await load('tributary', 5);
await load('baseline', 5);
const results: Record<Name, Result[]> = { tributary: [], baseline: [] };
for (let i = 0; i < runs; i++) {
  const order: Name[] = i % 2 === 0 ? ['tributary', 'baseline'] : ['baseline', 'tributary'];
  for (const name of order) {
    const r = await load(name, seconds);
    results[name].push(r);
    console.log(
      `run ${i + 1} ${name}: ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, 2xx ${r.ok}, other ${r.bad}`,
    );
  }
}
const loadAfter = machineLoad();
stopServers();
await new Promise((r) => setTimeout(r, 1000));

// zero lost: every acknowledged event has its row and its job
const audits: Record<Name, Audit> = {
  tributary: await audit(trbUrl, acked.tributary),
  baseline: await audit(baseUrl, acked.baseline),
};
await dropDatabases([trbUrl, baseUrl]);
const lost = (Object.keys(audits) as Name[]).filter((n) => lostIn(audits[n]));

const ratios = results.tributary.map((r, i) => r.rps / results.baseline[i]!.rps);
const fmt = (x: number, d = 0) => x.toFixed(d);
const row = (name: Name, r: Result, i: number) =>
  `| ${i + 1} | ${name} | ${fmt(r.rps)} | ${r.p50} | ${r.p99} | ${r.ok} | ${r.bad} |`;
const med = (name: Name, k: 'rps' | 'p50' | 'p99') => median(results[name].map((r) => r[k]));
const ratioMedian = median(ratios);
const p99s = results.tributary.map((r) => r.p99);
const p99Median = median(p99s);
const p99Met = p99s.filter((p) => p < 50).length;
const verdict = [
  `ratio ${fmt(ratioMedian, 2)}× median (target ≥ 1.5×): ${ratioMedian >= 1.5 ? 'met' : 'NOT met'}; ${ratios.filter((r) => r >= 1.5).length} of ${runs} runs at or above`,
  `Tributary p99 ${p99Median} ms median, worst ${Math.max(...p99s)} ms (target < 50 ms): ${p99Median < 50 ? 'met' : 'NOT met'} by the median; ${p99Met} of ${runs} runs under 50 ms`,
  `lost: ${lost.length === 0 ? 'none' : `LOST in ${lost.join(', ')}`}`,
];
const auditRow = (n: Name) =>
  `| ${n} | ${audits[n].acked} | ${audits[n].unique} | ${audits[n].events} | ${audits[n].jobs} | ${audits[n].totalEvents} |`;

const report = `# Webhook ingest: Tributary vs bare baseline

${new Date().toISOString()} · Postgres ${new URL(trbUrl).host} (fresh database per server and run) · ${connections} connections · ${seconds} s per run · ${runs} runs each, alternating · autocannon on loopback · Node ${process.version} · ${process.arch}

Machine load before: \`${loadBefore}\`
Machine load after: \`${loadAfter}\`

Pinning: ${pinned ? 'load generator (autocannon, signing each request) on core 0, each server process on core 1 (`taskset -c 1`); Postgres unpinned, on the same two cores' : 'taskset unavailable: nothing pinned'}. This machine has 2 cores shared with other work, so absolute numbers are noisy; the ratio of alternating runs is the figure to read.

- **Tributary**: \`serve()\` (Fastify, full route stack) → \`POST /webhooks/stripe\` → signature verify → group-commit inbox (\`stripe_events\` + pg-boss job in one transaction, acknowledged after commit). Pool ${poolSize}, no worker.
- **Baseline** (\`bench/baseline-ingest.ts\`): node:http → HMAC verify → one transaction per request: \`INSERT … stripe_events ON CONFLICT DO NOTHING RETURNING\` + \`INSERT pgboss.job\` → 200. \`pg\` pool ${poolSize}.
- Payload: a \`charge.succeeded\` event around Stripe's published charge fixture, ${chargeEvent().body.length} bytes, unique \`evt_\` id, signed at send time.

| run | server | req/s | p50 ms | p99 ms | 2xx | non-2xx/errors |
|---|---|---|---|---|---|---|
${results.tributary.map((r, i) => `${row('tributary', r, i)}\n${row('baseline', results.baseline[i]!, i)}`).join('\n')}

| | Tributary | baseline |
|---|---|---|
| req/s (median of ${runs}) | ${fmt(med('tributary', 'rps'))} | ${fmt(med('baseline', 'rps'))} |
| p50 ms (median) | ${med('tributary', 'p50')} | ${med('baseline', 'p50')} |
| p99 ms (median) | ${med('tributary', 'p99')} | ${med('baseline', 'p99')} |

**Ratio Tributary/baseline** per run: ${ratios.map((r) => fmt(r, 2)).join(', ')} → median **${fmt(ratioMedian, 2)}×**, spread ${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)}.

Zero lost — every acknowledged event looked up afterwards (warm-up included):

| server | 2xx | unique ids | with stripe_events row | named by a job | rows in stripe_events |
|---|---|---|---|---|---|
${auditRow('tributary')}
${auditRow('baseline')}

${verdict.map((v) => `- ${v}`).join('\n')}
`;
writeFileSync(new URL('./results/webhook-ingest.md', import.meta.url), report);
console.log(report);
process.exit(lost.length ? 1 : 0);
