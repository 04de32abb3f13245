import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { Database, Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { Actor } from '../scope/actor.ts';

/**
 * Resolved API keys, per database, keyed by the key's SHA-256 (never the key), so the hot path does not
 * open a transaction to resolve the same key on every request. Used only while this process listens to the
 * database's announcements of key changes (a trigger on api_keys notifies on creation, revocation, deletion
 * with its tenant, a change of scopes, type, owner or secret; see the api_key_changes migration):
 * - in this process a revocation forgets the key before its answer is sent (`forget`), so the very next
 *   request is refused;
 * - elsewhere (another server, SQL by hand) the announcement arrives as soon as the change commits, and
 *   `POSITIVE_TTL_MS` bounds what a lost announcement could leave behind;
 * - while the listener is down (connection lost, reconnecting, or not hearing the probe it sends through
 *   the pool at start and every 10 s, as behind a transaction-mode pooler) nothing is cached or read.
 * A lookup that overlapped any announcement does not store its answer (it may have read the row before the
 * change). An unknown key is remembered `NEGATIVE_TTL_MS` at most; a new key is a random secret that no one
 * presented before it existed, and one created here is forgotten anyway.
 */
export const POSITIVE_TTL_MS = 30_000;
export const NEGATIVE_TTL_MS = 2_000;
const MAX_ENTRIES = 10_000;
export const KEY_CHANNEL = 'tributary_api_keys';
const RECONNECT_MS = 1_000;
/** The listener proves it hears (its own probe through the pool) at start and this often after. */
const PROBE_EVERY_MS = 10_000;
const PROBE_WAIT_MS = 5_000;
const PROBE = 'probe:';

interface Entry {
  actor: Actor | null;
  expires: number;
}

export class ApiKeyCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every announcement and forget: a lookup that overlapped one does not store its answer. */
  private generation = 0;
  /** Whether the listener hears every change now. */
  live = false;
  /** Called after each announcement is applied (tests wait on it). */
  onAnnouncement: ((hash: string) => void) | null = null;

  get(hash: string): Entry | undefined {
    if (!this.live) return undefined;
    const e = this.entries.get(hash);
    if (e && e.expires <= Date.now()) {
      this.entries.delete(hash);
      return undefined;
    }
    return e;
  }

  mark(): number {
    return this.generation;
  }

  /** Stores the answer of a lookup begun at `mark`, unless a change was announced since. */
  set(hash: string, actor: Actor | null, mark: number): void {
    if (!this.live || mark !== this.generation) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    const ttl = actor ? POSITIVE_TTL_MS : NEGATIVE_TTL_MS;
    this.entries.set(hash, { actor: actor && Object.freeze(actor), expires: Date.now() + ttl });
  }

  forget(hash: string): void {
    this.generation++;
    this.entries.delete(hash);
  }

  /** Listener up or down: either way nothing cached before is trusted. */
  reset(live: boolean): void {
    this.generation++;
    this.entries.clear();
    this.live = live;
  }

  announced(hash: string): void {
    this.forget(hash);
    this.onAnnouncement?.(hash);
  }
}

const caches = new WeakMap<Db, ApiKeyCache>();

export function keyCacheOf(db: Db): ApiKeyCache | undefined {
  return caches.get(db);
}

/**
 * Starts the cache of `database` and its listener; the returned function stops both. On PGlite the
 * embedded instance's listen; on Postgres a connection of its own, reconnected when lost.
 */
export async function startKeyCache(database: Database, log: Logger): Promise<() => Promise<void>> {
  const cache = new ApiKeyCache();
  caches.set(database.db, cache);
  let stopped = false;
  const stopOwn = () => {
    if (caches.get(database.db) === cache) caches.delete(database.db);
    cache.reset(false);
  };
  if (database.pglite) {
    const unlisten = await database.pglite.listen(KEY_CHANNEL, (hash) => cache.announced(hash));
    cache.reset(true);
    return async () => {
      stopOwn();
      await unlisten();
    };
  }
  const url = database.appConnectionString;
  if (!url) return async () => stopOwn();
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | null = null;
  let heartbeat: NodeJS.Timeout | null = null;
  const probes = new Map<string, () => void>();
  // A notification sent through the pool and heard here: proves this connection hears the server's
  // announcements (behind a transaction-mode pooler, say, LISTEN hears nothing and the cache stays off).
  const probe = async (): Promise<boolean> => {
    const token = `${PROBE}${randomUUID()}`;
    const heard = new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), PROBE_WAIT_MS);
      probes.set(token, () => {
        clearTimeout(t);
        resolve(true);
      });
    });
    try {
      await database.db.execute(sql`select pg_notify(${KEY_CHANNEL}, ${token})`);
      return await heard;
    } catch {
      return false;
    } finally {
      probes.delete(token);
    }
  };
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    client = c;
    const lost = (err?: Error) => {
      if (client !== c) return;
      client = null;
      cache.reset(false);
      if (stopped) return;
      log.warn({ err: err && { message: err.message } }, 'api key listener lost: cache off until back');
      c.end().catch(() => {});
      timer = setTimeout(() => void connect().catch(lost), RECONNECT_MS);
    };
    c.on('error', lost);
    c.on('end', () => lost());
    c.on('notification', (n) => {
      if (n.channel !== KEY_CHANNEL || !n.payload) return;
      if (n.payload.startsWith(PROBE)) probes.get(n.payload)?.();
      else cache.announced(n.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${KEY_CHANNEL}`);
      if (!(await probe())) throw new Error('the listener did not hear its probe');
    } catch (err) {
      lost(err as Error);
      return;
    }
    if (client === c && !stopped) cache.reset(true);
  };
  await connect();
  heartbeat = setInterval(() => {
    const c = client;
    if (!c || !cache.live) return;
    void probe().then((ok) => {
      if (!ok && client === c) c.emit('error', new Error('the listener stopped hearing its probe'));
    });
  }, PROBE_EVERY_MS);
  heartbeat.unref();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    if (heartbeat) clearInterval(heartbeat);
    stopOwn();
    const c = client;
    client = null;
    await c?.end().catch(() => {});
  };
}
