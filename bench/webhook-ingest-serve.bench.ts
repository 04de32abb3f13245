// Webhook ingest in the deployment users run: `tributary serve` with its defaults (API, dashboard, job
// worker, embedded sandbox; LOG_LEVEL info to a file) against the bare baseline (bench/baseline-ingest.ts)
// and Tributary's ingest-only server (bench/tributary-ingest-server.ts, no worker), nothing pinned, each for
// BENCH_SERVE_SECONDS (default 60) of sustained load at 64 connections on its own fresh Postgres database.
// For `serve` the worker processes what it acknowledges during the run; afterwards the backlog (events
// acknowledged but not yet processed) is read at once and then until it is empty: the time to drain.
// Every acknowledged event of every server is looked up afterwards (its row and a job naming it).
// Env: DATABASE_URL (admin URL; default postgres://postgres@127.0.0.1:5432/postgres), BENCH_SERVE_SECONDS,
// BENCH_CONNECTIONS (default 64), BENCH_POOL_SIZE (baseline and ingest-only, default 20),
// BENCH_SERVE_ROUNDS (default 2), BENCH_DRAIN_LIMIT_SECONDS (how long to wait for the backlog, default 300), BENCH_SERVE_NODE_OPTIONS (the
// serve process's NODE_OPTIONS, e.g. to profile it), BENCH_SERVERS (a comma list, default all three).
import { writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import pg from 'pg';
import { type Audit, audit, drive, type LoadResult, lostIn, startServer, stopServer } from './ingest-load.ts';
import { dropDatabases, freshDatabase, machineLoad, WEBHOOK_SECRET } from './webhook-common.ts';

const seconds = Number(process.env.BENCH_SERVE_SECONDS ?? 60);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 64);
const poolSize = Number(process.env.BENCH_POOL_SIZE ?? 20);
const drainLimit = Number(process.env.BENCH_DRAIN_LIMIT_SECONDS ?? 300);
const benchDir = new URL('.', import.meta.url).pathname;
const main = new URL('../packages/server/src/main.ts', import.meta.url).pathname;

type Name = 'baseline' | 'ingest-only' | 'serve';
interface Outcome {
  load: LoadResult;
  audit: Audit;
  /** serve only: acknowledged but not yet processed when the load stopped */
  backlog?: number;
  /** serve only: seconds from the end of the load until every acknowledged event was processed */
  drainSeconds?: number | null;
  /** serve only: events processed during the load, per second */
  processedDuring?: number;
}

const hardStop = setTimeout(
  () => {
    console.error('webhook-ingest-serve bench: time limit reached');
    process.exit(2);
  },
  (Number(process.env.BENCH_SERVE_ROUNDS ?? 2) * (3 * (seconds + 40) + drainLimit) + 300) * 1000,
);
hardStop.unref();

async function count(url: string, where: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ n: string }>(`select count(*) as n from stripe_events where ${where}`);
    return Number(r.rows[0]!.n);
  } finally {
    await client.end();
  }
}
const unprocessed = (url: string) => count(url, "status in ('pending', 'failed')");
const processed = (url: string) => count(url, "status in ('processed', 'ignored')");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function start(name: Name, dbUrl: string) {
  if (name === 'serve') {
    const port = await freePort();
    return startServer(
      name,
      [process.execPath, main, 'serve'],
      {
        DATABASE_URL: dbUrl,
        STRIPE_WEBHOOK_SECRETS: WEBHOOK_SECRET,
        HOST: '127.0.0.1',
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        NODE_ENV: 'development',
        // e.g. --cpu-prof --cpu-prof-dir=/tmp/prof to profile the server under the load
        NODE_OPTIONS: process.env.BENCH_SERVE_NODE_OPTIONS ?? '',
        ...(process.env.BENCH_SERVE_REFETCH ? { WEBHOOK_REFETCH: process.env.BENCH_SERVE_REFETCH } : {}),
      },
      { logFile: `/tmp/tributary-bench-serve-${port}.log`, readyUrl: `http://127.0.0.1:${port}` },
    );
  }
  const script = name === 'baseline' ? 'baseline-ingest.ts' : 'tributary-ingest-server.ts';
  return startServer(name, [process.execPath, `${benchDir}${script}`], {
    DATABASE_URL: dbUrl,
    POOL_SIZE: String(poolSize),
    DATABASE_POOL_SIZE: String(poolSize),
    WEBHOOK_SECRET,
    STRIPE_WEBHOOK_SECRETS: WEBHOOK_SECRET,
    PORT: '0',
    NODE_ENV: 'development',
  });
}

async function runOne(name: Name): Promise<Outcome> {
  const dbUrl = await freshDatabase(name.replace('-', '_'));
  const { url, child } = await start(name, dbUrl);
  const path = name === 'baseline' ? '/' : '/webhooks/stripe';
  const acked: string[] = [];
  // warm-up (JIT, pools, the worker's first batches), counted in the audit, not in the figures
  await drive(url, path, connections, 5, acked);
  if (name === 'serve') {
    while ((await unprocessed(dbUrl)) > 0) await new Promise((r) => setTimeout(r, 250));
  }
  const before = name === 'serve' ? await processed(dbUrl) : 0;
  const load = await drive(url, path, connections, seconds, acked);
  const outcome: Outcome = { load, audit: { acked: 0, unique: 0, events: 0, jobs: 0, totalEvents: 0 } };
  if (name === 'serve') {
    const ended = performance.now();
    outcome.backlog = await unprocessed(dbUrl);
    outcome.processedDuring = ((await processed(dbUrl)) - before) / seconds;
    outcome.drainSeconds = null;
    while (performance.now() - ended < drainLimit * 1000) {
      if ((await unprocessed(dbUrl)) === 0) {
        outcome.drainSeconds = (performance.now() - ended) / 1000;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await stopServer(child);
  outcome.audit = await audit(dbUrl, acked);
  await dropDatabases([dbUrl]);
  console.log(
    `${name}: ${Math.round(load.rps)} req/s, p50 ${load.p50} ms, p99 ${load.p99} ms, 2xx ${load.ok}, other ${load.bad}` +
      (name === 'serve'
        ? `, processed ${Math.round(outcome.processedDuring!)}/s during, backlog ${outcome.backlog}, drained in ${outcome.drainSeconds?.toFixed(1) ?? 'NOT'} s`
        : ''),
  );
  return outcome;
}

const rounds = Number(process.env.BENCH_SERVE_ROUNDS ?? 2);
const loadBefore = machineLoad();
const names = ['baseline', 'serve', 'ingest-only'] as const;
const only = process.env.BENCH_SERVERS?.split(',');
const results: Record<Name, Outcome>[] = [];
for (let round = 0; round < rounds; round++) {
  // alternating order: no server always runs first (or after the same one) on a machine that drifts
  const order = round % 2 === 0 ? names : ([...names].reverse() as Name[]);
  const r = {} as Record<Name, Outcome>;
  for (const name of order) if (!only || only.includes(name)) r[name] = await runOne(name);
  results.push(r);
}
if (only) {
  console.log('BENCH_SERVERS set: a partial run, no report written');
  process.exit(0);
}
const loadAfter = machineLoad();

const fmt = (x: number, d = 0) => x.toFixed(d);
const ratio = (r: Record<Name, Outcome>, n: Name) => r[n].load.rps / r.baseline.load.rps;
const lost = results.flatMap((r, i) =>
  (Object.keys(r) as Name[]).filter((n) => lostIn(r[n].audit)).map((n) => `${n} (round ${i + 1})`),
);
const serveRatios = results.map((r) => ratio(r, 'serve'));
const ingestRatios = results.map((r) => ratio(r, 'ingest-only'));
const serveP99 = results.map((r) => r.serve.load.p99);
const drains = results.map((r) => r.serve.drainSeconds ?? null);
const list = (xs: number[], d = 2, unit = '×') => xs.map((x) => `${fmt(x, d)}${unit}`).join(', ');
const verdict = [
  `serve acknowledged ${list(serveRatios)} the baseline of its round (target ≥ 1.25×): ${serveRatios.every((x) => x >= 1.25) ? 'met' : 'NOT met'}`,
  `serve backlog drained ${drains.map((d) => (d === null ? 'never' : `${fmt(d, 1)} s`)).join(', ')} after the load (target: within 10 s): ${drains.every((d) => d !== null && d <= 10) ? 'met' : 'NOT met'}`,
  `serve p99 ${serveP99.join(', ')} ms (target < 100 ms): ${serveP99.every((p) => p < 100) ? 'met' : 'NOT met'}`,
  `ingest-only ${list(ingestRatios)} the baseline, unpinned (target ≥ 1.5×): ${ingestRatios.every((x) => x >= 1.5) ? 'met' : 'NOT met'}`,
  `lost: ${lost.length === 0 ? 'none' : `LOST in ${lost.join(', ')}`}`,
];
const row = (r: Record<Name, Outcome>, i: number, n: Name) => {
  const o = r[n];
  const extra =
    n === 'serve'
      ? `${fmt(o.processedDuring!)} | ${o.backlog} | ${o.drainSeconds === null ? 'not drained' : fmt(o.drainSeconds!, 1)}`
      : '– | – | –';
  return `| ${i + 1} | ${n} | ${fmt(o.load.rps)} | ${fmt(ratio(r, n), 2)}× | ${o.load.p50} | ${o.load.p99} | ${o.load.ok} | ${o.load.bad} | ${extra} |`;
};
const auditRow = (r: Record<Name, Outcome>, i: number, n: Name) => {
  const a = r[n].audit;
  return `| ${i + 1} | ${n} | ${a.acked} | ${a.unique} | ${a.events} | ${a.jobs} | ${a.totalEvents} |`;
};
const rowsOf = (f: typeof row) => results.flatMap((r, i) => names.map((n) => f(r, i, n))).join('\n');

const report = `# Webhook ingest in \`tributary serve\`: sustained load, worker running

${new Date().toISOString()} · Postgres ${new URL(process.env.DATABASE_URL ?? 'postgres://127.0.0.1:5432').host} (fresh database per server) · ${connections} connections · ${seconds} s sustained per server after a 5 s warm-up · ${rounds} rounds, the servers in alternating order · autocannon on loopback · nothing pinned · Node ${process.version} · ${process.arch}

Machine load before: \`${loadBefore}\`
Machine load after: \`${loadAfter}\`

- **serve**: \`tributary serve\` as a user runs it — API, dashboard, the job worker and the embedded sandbox in one process, every setting at its default (log level info, written to a file; the worker refetches each event's object from the sandbox). Events are \`charge.succeeded\` on the platform account for charges no tenant owns, so each is refetched (the sandbox answers 404), routed (to no tenant) and kept as a raw object.
- **baseline** (\`bench/baseline-ingest.ts\`): node:http → HMAC verify → one transaction per request: event row + pg-boss job row → 200. \`pg\` pool ${poolSize}. No worker.
- **ingest-only** (\`bench/tributary-ingest-server.ts\`): Tributary's \`serve()\` without the worker or the sandbox, logs off, pool ${poolSize}.
- The backlog is what was acknowledged but not yet processed when the load stopped; drained is the time from then until none is left. The machine has 2 cores; the load generator, the server, its worker and Postgres share them.

| round | server | acknowledged req/s | vs baseline (same round) | p50 ms | p99 ms | 2xx | non-2xx/errors | processed/s during the load | backlog at the end | drained after (s) |
|---|---|---|---|---|---|---|---|---|---|---|
${rowsOf(row)}

Zero lost — every acknowledged event looked up afterwards (warm-up included):

| round | server | 2xx | unique ids | with stripe_events row | named by a job | rows in stripe_events |
|---|---|---|---|---|---|---|
${rowsOf(auditRow)}

${verdict.map((v) => `- ${v}`).join('\n')}
`;
writeFileSync(new URL('./results/webhook-ingest-serve.md', import.meta.url), report);
console.log(report);
process.exit(lost.length ? 1 : 0);
