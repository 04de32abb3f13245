// Shared by the webhook ingest benchmarks: starting a server process, driving it with autocannon (unique
// signed events), and the zero-lost audit of what it acknowledged.
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import autocannon from 'autocannon';
import pg from 'pg';
import { chargeEvent, signature } from './webhook-common.ts';

const children: ChildProcess[] = [];
export const stopServers = () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
};
process.on('exit', stopServers);

/** Stops one server and waits for it to exit (its worker and pools closed). */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/**
 * Spawns `cmd` and resolves with its URL once it prints `LISTENING <url>` (the bench servers), or once
 * `readyUrl` answers (a real `tributary serve`, whose output goes to `logFile`).
 */
export function startServer(
  label: string,
  cmd: string[],
  env: Record<string, string>,
  opts: { logFile?: string; readyUrl?: string } = {},
): Promise<{ url: string; child: ChildProcess }> {
  const out = opts.logFile ? openSync(opts.logFile, 'w') : 'pipe';
  const child = spawn(cmd[0]!, cmd.slice(1), {
    env: { ...process.env, ...env },
    stdio: ['ignore', out, opts.logFile ? out : 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start in 90 s`)), 90_000);
    const done = (url: string) => {
      clearTimeout(timer);
      resolve({ url, child });
    };
    child.on('exit', (code) => reject(new Error(`${label} exited with ${code}`)));
    if (opts.readyUrl) {
      const ready = opts.readyUrl;
      const poll = () =>
        fetch(`${ready}/healthz`).then(
          (r) => (r.ok ? done(ready) : setTimeout(poll, 250)),
          () => setTimeout(poll, 250),
        );
      poll();
      return;
    }
    let text = '';
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /LISTENING (\S+)/.exec(text);
      if (m) done(m[1]!);
    });
  });
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  bad: number;
}

/** `duration` seconds of unique signed events at `connections`; every 2xx event id goes into `acked`. */
export async function drive(
  url: string,
  path: string,
  connections: number,
  duration: number,
  acked: string[],
): Promise<LoadResult> {
  const r = await autocannon({
    url,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        path,
        setupRequest: (req, context) => {
          const e = chargeEvent();
          (context as { id?: string }).id = e.id;
          return {
            ...req,
            headers: { 'content-type': 'application/json', 'stripe-signature': signature(e.body) },
            body: e.body,
          };
        },
        onResponse: (status, _body, context) => {
          if (status >= 200 && status < 300) acked.push((context as { id: string }).id);
        },
      },
    ],
  });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    ok: r['2xx'],
    bad: r.non2xx + r.errors + r.timeouts,
  };
}

export interface Audit {
  acked: number;
  unique: number;
  events: number;
  jobs: number;
  totalEvents: number;
}

/**
 * Zero lost: every acknowledged event has its row and a `stripe-event` job naming it (one job per event
 * as the baseline writes them, or one per group commit as Tributary does: `eventIds`).
 */
export async function audit(url: string, ids: string[]): Promise<Audit> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const events = await client.query<{ n: string }>(
      'select count(*) as n from stripe_events where id = any($1::text[])',
      [ids],
    );
    const jobs = await client.query<{ n: string }>(
      `select count(distinct e) as n from pgboss.job j,
         lateral (select j.data->>'eventId' as e
                  union all select jsonb_array_elements_text(coalesce(j.data->'eventIds', '[]'))) x
       where j.name = 'stripe-event' and e = any($1::text[])`,
      [ids],
    );
    const totals = await client.query<{ e: string }>('select count(*) as e from stripe_events');
    return {
      acked: ids.length,
      unique: new Set(ids).size,
      events: Number(events.rows[0]!.n),
      jobs: Number(jobs.rows[0]!.n),
      totalEvents: Number(totals.rows[0]!.e),
    };
  } finally {
    await client.end();
  }
}

export const lostIn = (a: Audit) => a.events !== a.unique || a.jobs !== a.unique;
