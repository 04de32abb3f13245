import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { Logger } from '../logger.ts';
import type { Database } from './client.ts';

/**
 * One channel of the database's announcements, as a cache of this process hears them: `heard` gets each
 * payload; `live(false)` says announcements may be missed from now on (nothing remembered is to be trusted
 * or kept), `live(true)` that every one is heard again.
 */
export interface ListenChannel {
  name: string;
  heard(payload: string): void;
  live(on: boolean): void;
}

const RECONNECT_MS = 1_000;
/** The listener proves it hears (its own probe through the pool) at start and this often after. */
const PROBE_EVERY_MS = 10_000;
const PROBE_WAIT_MS = 5_000;
const PROBE_CHANNEL = 'tributary_probe';
/** The listener connection's application_name (pg_stat_activity shows it). */
export const LISTENER_NAME = 'tributary-listener';

/**
 * Listens to `channels` of `database` until the returned function is called. On PGlite the embedded
 * instance's listen; on Postgres a connection of its own, reconnected when lost, which counts as live only
 * while it hears a probe sent through the pool (at start and every 10 s): behind a transaction-mode pooler
 * LISTEN hears nothing, and the channels stay off.
 */
export async function startListener(
  database: Database,
  log: Logger,
  channels: ListenChannel[],
): Promise<() => Promise<void>> {
  let isLive = false;
  const setLive = (on: boolean) => {
    isLive = on;
    for (const c of channels) c.live(on);
  };
  if (database.pglite) {
    const pglite = database.pglite;
    const unlisten = await Promise.all(channels.map((c) => pglite.listen(c.name, (p) => c.heard(p))));
    setLive(true);
    return async () => {
      setLive(false);
      await Promise.all(unlisten.map((u) => u()));
    };
  }
  const url = database.appConnectionString;
  if (!url) {
    setLive(false);
    return async () => {};
  }
  const byName = new Map(channels.map((c) => [c.name, c]));
  let stopped = false;
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | null = null;
  const probes = new Map<string, () => void>();
  const probe = async (): Promise<boolean> => {
    const token = randomUUID();
    const heard = new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), PROBE_WAIT_MS);
      probes.set(token, () => {
        clearTimeout(t);
        resolve(true);
      });
    });
    try {
      await database.db.execute(sql`select pg_notify(${PROBE_CHANNEL}, ${token})`);
      return await heard;
    } catch {
      return false;
    } finally {
      probes.delete(token);
    }
  };
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, application_name: LISTENER_NAME });
    client = c;
    const lost = (err?: Error) => {
      if (client !== c) return;
      client = null;
      setLive(false);
      if (stopped) return;
      log.warn({ err: err && { message: err.message } }, 'database listener lost: caches off until back');
      c.end().catch(() => {});
      timer = setTimeout(() => void connect().catch(lost), RECONNECT_MS);
    };
    c.on('error', lost);
    c.on('end', () => lost());
    c.on('notification', (n) => {
      if (n.payload === undefined) return;
      if (n.channel === PROBE_CHANNEL) probes.get(n.payload)?.();
      else byName.get(n.channel)?.heard(n.payload);
    });
    try {
      await c.connect();
      await c.query([PROBE_CHANNEL, ...byName.keys()].map((name) => `LISTEN ${name}`).join('; '));
      if (!(await probe())) throw new Error('the listener did not hear its probe');
    } catch (err) {
      lost(err as Error);
      return;
    }
    if (client === c && !stopped) setLive(true);
  };
  await connect();
  const heartbeat = setInterval(() => {
    const c = client;
    if (!c || !isLive) return;
    void probe().then((ok) => {
      if (!ok && client === c) c.emit('error', new Error('the listener stopped hearing its probe'));
    });
  }, PROBE_EVERY_MS);
  heartbeat.unref();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    clearInterval(heartbeat);
    setLive(false);
    const c = client;
    client = null;
    await c?.end().catch(() => {});
  };
}
