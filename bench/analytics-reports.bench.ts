// Analytics reports from snapshots (docs/analytics.md, "Snapshots"; issue 22, "Performance"): seeds MRR
// histories straight into mrr_changes / platform_mrr_changes (generated in SQL), times the snapshot job's full
// build and a day's changes, then the 24-month MRR series over HTTP (autocannon) for one large tenant and for
// the platform, against the pre-snapshot path (the whole history folded per request) in the same run.
// With DATABASE_URL: Postgres at scale (BENCH_BIG_SUBS one tenant, BENCH_OTHER_TENANTS × BENCH_OTHER_SUBS more,
// BENCH_PLATFORM_SUBS plan subscriptions), then PGlite with BENCH_PGLITE_SUBS; without it, PGlite alone.
// Env: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 1: latency, no request queued behind another), BENCH_BASELINE_RUNS (default 3).
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import {
  platformMrrReportFromHistory,
  tenantMrrReportFromHistory,
} from '../packages/server/src/analytics/service.ts';
import { refreshMarkedSnapshots } from '../packages/server/src/analytics/snapshot-job.ts';
import { refreshSnapshots } from '../packages/server/src/analytics/snapshots.ts';
import * as apiKeys from '../packages/server/src/api-keys/service.ts';
import { loadConfig } from '../packages/server/src/config.ts';
import type { Ctx } from '../packages/server/src/context.ts';
import { type Database, openDatabase } from '../packages/server/src/db/client.ts';
import { migrateDatabase } from '../packages/server/src/db/migrate.ts';
import { APP_ROLE } from '../packages/server/src/db/roles.ts';
import { withSystem, withTenant } from '../packages/server/src/db/tenant.ts';
import { toPublicId } from '../packages/server/src/http/ids.ts';
import { createLogger } from '../packages/server/src/logger.ts';
import { serve } from '../packages/server/src/runtime.ts';
import { scopeInTenant } from '../packages/server/src/scope/tenant.ts';
import * as tenants from '../packages/server/src/tenants/service.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 1);
const baselineRuns = Number(process.env.BENCH_BASELINE_RUNS ?? 3);
const scale = {
  big: Number(process.env.BENCH_BIG_SUBS ?? 100_000),
  otherTenants: Number(process.env.BENCH_OTHER_TENANTS ?? 999),
  otherSubs: Number(process.env.BENCH_OTHER_SUBS ?? 900),
  platform: Number(process.env.BENCH_PLATFORM_SUBS ?? 100_000),
  pglite: Number(process.env.BENCH_PGLITE_SUBS ?? 10_000),
};

const DAY = 86_400_000;
const now = new Date();
const thisMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
const historyStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 24, 1));
const yesterday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - DAY);
const month = (d: Date) => d.toISOString().slice(0, 7);
const seriesQuery = `interval=month&from=${month(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 23, 1)))}&to=${month(thisMonth)}`;
const seriesRange = {
  from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 23, 1)),
  to: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
  unit: 'month' as const,
};

/**
 * One scope's history, generated in SQL: subscription i starts at a pseudo-random instant of the 24 months,
 * changes price up to 3 times (90–180 days apart), ~30 % end at their last change (a quarter of those by
 * failed payment), 1 in 10 bills in EUR, and 1 customer in 5 has two subscriptions. About 2.2 rows per
 * subscription once the future ones are cut.
 */
function historySql(
  table: 'mrr_changes' | 'platform_mrr_changes',
  owner: string | null,
  from: number,
  to: number,
) {
  const cols = table === 'mrr_changes' ? 'tenant_id, ' : '';
  const ownerValue = owner ? `'${owner}'::uuid, ` : '';
  return `insert into ${table} (${cols}stripe_subscription_id, stripe_customer_id, currency, mrr, at, churn_kind)
    select ${ownerValue}'sub_' || i, 'cus_' || (i - i % 5 + (i % 5) % 4), case when i % 10 = 0 then 'eur' else 'usd' end,
      case when k = fate % 4 and k > 0 and fate >= 6 then 0 else base + k * fate * 100 end,
      started + make_interval(days => k * (90 + fate * 10)),
      case when k = fate % 4 and k > 0 and fate >= 6 then (case when fate = 9 then 'involuntary' else 'voluntary' end) end
    from (select i, abs(hashint4(i * 3 + 1)) % 10 as fate, 1000 + abs(hashint4(i * 3 + 2)) % 9000 as base,
            '${historyStart.toISOString()}'::timestamptz + make_interval(secs => abs(hashint4(i * 3 + 3)) % ${(730 * 86_400).toString()}) as started
          from generate_series(${from}, ${to}) i) s
    cross join generate_series(0, 3) k
    where k <= fate % 4 and started + make_interval(days => k * (90 + fate * 10)) < '${yesterday.toISOString()}'::timestamptz`;
}

/** A day's changes: 1 subscription in 700 of the scope changes yesterday (a price change or a new one). */
function daySql(
  table: 'mrr_changes' | 'platform_mrr_changes',
  owner: string | null,
  from: number,
  to: number,
) {
  const cols = table === 'mrr_changes' ? 'tenant_id, ' : '';
  const ownerValue = owner ? `'${owner}'::uuid, ` : '';
  return `insert into ${table} (${cols}stripe_subscription_id, stripe_customer_id, currency, mrr, at)
    select ${ownerValue}'sub_' || i, 'cus_' || (i - i % 5 + (i % 5) % 4), case when i % 10 = 0 then 'eur' else 'usd' end,
      2000 + i % 7000, '${yesterday.toISOString()}'::timestamptz + make_interval(secs => i % 86400)
    from generate_series(${from}, ${to}) i where i % 700 = 3
    on conflict do nothing`;
}

type Exec = (query: string) => Promise<unknown>;
const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const r = await f();
  return [r, Math.round(performance.now() - t0)];
};

async function measure(url: string, path: string, key: string) {
  const r = await autocannon({
    url: `${url}${path}`,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${key}` },
  });
  return {
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.non2xx + r.errors,
  };
}

async function runOn(database: Database, exec: Exec, label: string, s: typeof scale) {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0' });
  const log = createLogger('silent');
  const ctx: Ctx = {
    db: database.db,
    config,
    actor: { kind: 'system', label: 'bench' },
    requestId: 'bench',
    log,
  };
  const lines: string[] = [];
  const say = (line: string) => {
    console.log(line);
    lines.push(line);
  };
  const big = await tenants.createTenant(ctx, { name: 'Bench big' });
  const { secret: bigKey } = await apiKeys.createTenantKey(scopeInTenant(ctx, big.id), {
    name: 'b',
    type: 'secret',
  });
  const { secret: platformKey } = await apiKeys.createPlatformKey(ctx, { name: 'p', type: 'secret' });
  const others: string[] = [];
  for (let i = 0; i < s.otherTenants; i++)
    others.push((await tenants.createTenant(ctx, { name: `Bench ${i}` })).id);

  const [, seedMs] = await timed(async () => {
    for (let from = 1; from <= s.big; from += 50_000)
      await exec(historySql('mrr_changes', big.id, from, Math.min(s.big, from + 49_999)));
    for (const [n, id] of others.entries())
      await exec(historySql('mrr_changes', id, n * s.otherSubs + 1, (n + 1) * s.otherSubs));
    for (let from = 1; from <= s.platform; from += 50_000)
      await exec(historySql('platform_mrr_changes', null, from, Math.min(s.platform, from + 49_999)));
    // marked as captures mark them: from each scope's first change (a full build)
    await exec(`insert into analytics_restate_from (tenant_id, restate_from)
      select tenant_id, min(at) from mrr_changes group by tenant_id on conflict (tenant_id) do nothing`);
    await exec(`insert into platform_analytics_restate_from (scope, restate_from)
      select 'platform', min(at) from platform_mrr_changes having count(*) > 0 on conflict do nothing`);
    await exec('analyze');
  });
  const counts = (await withSystem(database.db, 'analytics.snapshots', (tx) =>
    tx.execute(sql`select (select count(*) from mrr_changes)::int as tenant_rows,
      (select count(*) from mrr_changes where tenant_id = ${big.id}::uuid)::int as big_rows,
      (select count(*) from platform_mrr_changes)::int as platform_rows`),
  )) as unknown as { rows: { tenant_rows: number; big_rows: number; platform_rows: number }[] };
  const c = counts.rows[0] as { tenant_rows: number; big_rows: number; platform_rows: number };
  const totalSubs = s.big + s.otherTenants * s.otherSubs;
  say(
    `- seeded ${totalSubs.toLocaleString('en')} subscriptions in ${1 + s.otherTenants} tenants (${c.tenant_rows.toLocaleString('en')} change rows; the large tenant ${s.big.toLocaleString('en')} subscriptions, ${c.big_rows.toLocaleString('en')} rows) and ${s.platform.toLocaleString('en')} platform plan subscriptions (${c.platform_rows.toLocaleString('en')} rows) over 24 months, in ${(seedMs / 1000).toFixed(1)} s`,
  );

  // the full build: the large tenant, the platform, then the sweep of the rest
  const bigScope = { kind: 'tenant' as const, tenantId: big.id };
  const platform = { kind: 'platform' as const, tenantId: null };
  const [bigBuild, bigMs] = await timed(() =>
    withTenant(database.db, big.id, (tx) => refreshSnapshots(tx, bigScope)),
  );
  const [platformBuild, platformMs] = await timed(() =>
    withSystem(database.db, 'analytics.snapshots', (tx) => refreshSnapshots(tx, platform)),
  );
  const [sweep, sweepMs] = await timed(() => refreshMarkedSnapshots({ db: database.db, log }));
  say(
    `- snapshot job, full build: the large tenant ${bigMs} ms (${bigBuild.changes.toLocaleString('en')} changes → ${bigBuild.rows.toLocaleString('en')} rows), the platform ${platformMs} ms (${platformBuild.rows.toLocaleString('en')} rows), the other ${sweep.scopes} tenants ${(sweepMs / 1000).toFixed(1)} s (${sweep.rows.toLocaleString('en')} rows)`,
  );

  // a day's changes (yesterday's) in every scope, then the job
  await exec(daySql('mrr_changes', big.id, 1, s.big));
  for (const [n, id] of others.entries())
    await exec(daySql('mrr_changes', id, n * s.otherSubs + 1, (n + 1) * s.otherSubs));
  await exec(daySql('platform_mrr_changes', null, 1, s.platform));
  await exec(`insert into analytics_restate_from (tenant_id, restate_from)
    select tenant_id, '${yesterday.toISOString()}'::timestamptz from mrr_changes group by tenant_id
    on conflict (tenant_id) do update set restate_from = least(analytics_restate_from.restate_from, excluded.restate_from)`);
  await exec(`insert into platform_analytics_restate_from (scope, restate_from) values ('platform', '${yesterday.toISOString()}')
    on conflict (scope) do update set restate_from = least(platform_analytics_restate_from.restate_from, excluded.restate_from)`);
  const [dayBig, dayBigMs] = await timed(() =>
    withTenant(database.db, big.id, (tx) => refreshSnapshots(tx, bigScope)),
  );
  const [, dayPlatformMs] = await timed(() =>
    withSystem(database.db, 'analytics.snapshots', (tx) => refreshSnapshots(tx, platform)),
  );
  const [daySweep, daySweepMs] = await timed(() => refreshMarkedSnapshots({ db: database.db, log }));
  say(
    `- snapshot job, a day's changes (1 subscription in 700 changed yesterday in every scope; restated from the week/month holding yesterday): the large tenant ${dayBigMs} ms (${dayBig.rows} rows rewritten), the platform ${dayPlatformMs} ms, the other ${daySweep.scopes} tenants ${(daySweepMs / 1000).toFixed(1)} s — ${((dayBigMs + dayPlatformMs + daySweepMs) / 1000).toFixed(1)} s in all`,
  );

  // the baseline: the pre-snapshot path, the whole history loaded and folded per request (in process)
  const baseline = async (f: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < baselineRuns; i++) times.push((await timed(f))[1]);
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)] as number;
  };
  const bigBaseline = await baseline(() =>
    tenantMrrReportFromHistory(scopeInTenant(ctx, big.id), seriesRange),
  );
  const platformBaseline = await baseline(() => platformMrrReportFromHistory(ctx, seriesRange));

  const running = await serve(config, { database, work: false, sandbox: false, log });
  const tenantPath = `/v1/tenants/${toPublicId('tenant', big.id)}/analytics/mrr?${seriesQuery}`;
  const probe = await fetch(`${running.url}${tenantPath}`, {
    headers: { authorization: `Bearer ${bigKey}` },
  });
  if (probe.status !== 200) throw new Error(`probe failed: ${probe.status} ${await probe.text()}`);
  const rows = [
    ['one tenant, 24-month MRR series', await measure(running.url, tenantPath, bigKey), bigBaseline, 100],
    [
      'platform, 24-month MRR series',
      await measure(running.url, `/v1/analytics/mrr?${seriesQuery}`, platformKey),
      platformBaseline,
      300,
    ],
    [
      'one tenant, summary (the month against the one before)',
      await measure(running.url, `/v1/tenants/${toPublicId('tenant', big.id)}/analytics/summary`, bigKey),
      null,
      100,
    ],
    ['platform, summary', await measure(running.url, '/v1/analytics/summary', platformKey), null, 300],
    [
      'one tenant, 366-day series',
      await measure(
        running.url,
        `/v1/tenants/${toPublicId('tenant', big.id)}/analytics/mrr?interval=day&from=${new Date(yesterday.getTime() - 364 * DAY).toISOString().slice(0, 10)}&to=${new Date(yesterday.getTime() + DAY).toISOString().slice(0, 10)}`,
        bigKey,
      ),
      null,
      null,
    ],
  ] as const;
  await running.stop();
  const table = rows.map(
    ([name, r, base, target]) =>
      `| ${name} | ${r.p50} | ${r.p99} | ${r.rps} | ${r.errors} | ${target ? `< ${target}` : '—'} | ${base === null ? '—' : base.toLocaleString('en')} |`,
  );
  return `### ${label}\n\n${lines.join('\n')}\n\n| GET …/analytics/… | p50 ms | p99 ms | req/s | non-2xx/errors | target ms | pre-snapshot path, median ms |\n|---|---|---|---|---|---|---|\n${table.join('\n')}\n`;
}

const sections: string[] = [];
const loadBefore = loadavg()
  .map((l) => l.toFixed(1))
  .join(', ');
if (process.env.DATABASE_URL) {
  const base = new URL(process.env.DATABASE_URL);
  const name = `snapbench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const owner = new pg.Client({ connectionString: url.toString() });
  try {
    const database = await openDatabase({ kind: 'pg', url: url.toString(), poolSize: 20 });
    await migrateDatabase(database);
    await database.dropToAppRole();
    await owner.connect();
    sections.push(await runOn(database, (q) => owner.query(q), `Postgres (${base.host})`, scale));
    await owner.end();
    await database.close();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
{
  const database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  await migrateDatabase(database);
  const pglite = database.pglite;
  if (!pglite) throw new Error('PGlite expected');
  await database.dropToAppRole();
  // the seed writes as the owner (past row-level security), as the Postgres run's second connection does
  const exec: Exec = (q) => pglite.exec(`RESET ROLE; ${q}; SET ROLE ${APP_ROLE}`);
  sections.push(
    await runOn(database, exec, 'PGlite (in memory)', {
      big: scale.pglite,
      otherTenants: 0,
      otherSubs: 0,
      platform: scale.pglite,
      pglite: scale.pglite,
    }),
  );
  await database.close();
}
const loadAfter = loadavg()
  .map((l) => l.toFixed(1))
  .join(', ');

const report = `# Analytics reports from snapshots

${new Date().toISOString()} · ${connections} connections · ${seconds} s per row · autocannon on loopback · Node ${process.version} · ${process.arch} · load average (1, 5, 15 min) ${loadBefore} before, ${loadAfter} after, on 2 cores shared with other work

${sections.join('\n')}
The series are \`GET /v1/tenants/{id}/analytics/mrr\` and \`GET /v1/analytics/mrr\` over HTTP, 24 months to the
month in progress (every ratio and LTV included): they read the scope's snapshot rows of the range (after a
check that no restate marker is pending) and derive ratios and LTV from them. The pre-snapshot path is
\`tenantMrrReportFromHistory\` / \`platformMrrReportFromHistory\`: the whole history loaded and folded by the
engine per request, timed in process (no HTTP), median of ${baselineRuns}. The day's-changes job recomputes
each scope's periods from the week or month holding the earliest change on, after loading the engine's state
before them (each subscription's latest row: a scan of the scope's rows before that instant).
`;
writeFileSync(new URL('./results/analytics-reports.md', import.meta.url), report);
console.log(report);
process.exit(0);
