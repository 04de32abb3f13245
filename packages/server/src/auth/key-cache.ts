import type { Db } from '../db/client.ts';
import type { ListenChannel } from '../db/listener.ts';
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
 * - while the listener is down (db/listener.ts: connection lost, reconnecting, or not hearing its probe, as
 *   behind a transaction-mode pooler) nothing is cached or read.
 * A lookup that overlapped any announcement does not store its answer (it may have read the row before the
 * change). An unknown key is remembered `NEGATIVE_TTL_MS` at most; a new key is a random secret that no one
 * presented before it existed, and one created here is forgotten anyway.
 */
export const POSITIVE_TTL_MS = 30_000;
export const NEGATIVE_TTL_MS = 2_000;
const MAX_ENTRIES = 10_000;
export const KEY_CHANNEL = 'tributary_api_keys';

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

/** A new key cache for `db` and the channel that keeps it (db/listener.ts starts and stops listening). */
export function keyCacheChannel(db: Db): ListenChannel {
  const cache = new ApiKeyCache();
  caches.set(db, cache);
  return { name: KEY_CHANNEL, heard: (hash) => cache.announced(hash), live: (on) => cache.reset(on) };
}
