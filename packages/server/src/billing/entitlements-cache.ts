import { afterCommit } from '../db/after-commit.ts';
import type { Db, Tx } from '../db/client.ts';
import type { ListenChannel } from '../db/listener.ts';

/**
 * Each tenant's entitlements answer, per database, so the platform's hot path (`GET …/entitlements`) does
 * not open a transaction for an answer that has not changed. Used only while this process hears the
 * database's announcements (db/listener.ts): triggers on every table the answer is read from announce the
 * tenants whose rows changed (tenant_billing, usage_summaries, usage_alerts, memberships), or every tenant
 * (`*`: plans, plan_limits); see the entitlements_changes migration. So:
 * - a change made in this process forgets the tenant when its transaction commits (`changedIn`), before
 *   the change's own answer is sent: the caller's next read sees it;
 * - a change made elsewhere (another server, SQL by hand) is forgotten as soon as its announcement arrives;
 * - an answer is kept `TTL_MS` at most, and never past the end of the billing period it shows;
 * - while the listener is down nothing is cached or read.
 * A read that overlapped a change of its tenant (or of every tenant) does not store its answer: it may have
 * read the rows before the change.
 */
export const TTL_MS = 30_000;
export const ENTITLEMENTS_CHANNEL = 'tributary_entitlements';
const EVERY_TENANT = '*';
const MAX_ENTRIES = 20_000;
const MAX_CHANGES = 100_000;

interface Entry {
  answer: unknown;
  expires: number;
}

export class EntitlementsCache {
  private readonly entries = new Map<string, Entry>();
  /** Counts changes heard; `changed` holds each tenant's last, `everything` the last change of them all. */
  private seq = 0;
  private everything = 0;
  private readonly changed = new Map<string, number>();
  live = false;
  /** Called after each announcement is applied (tests wait on it). */
  onAnnouncement: ((payload: string) => void) | null = null;

  get(tenantId: string): unknown {
    if (!this.live) return undefined;
    const e = this.entries.get(tenantId);
    if (e && e.expires <= Date.now()) {
      this.entries.delete(tenantId);
      return undefined;
    }
    return e?.answer;
  }

  mark(): number {
    return this.seq;
  }

  /** Stores the answer of a read begun at `mark`, unless its tenant changed since. */
  set(tenantId: string, answer: unknown, until: number, mark: number): void {
    if (!this.live || this.everything > mark || (this.changed.get(tenantId) ?? 0) > mark) return;
    const expires = Math.min(until, Date.now() + TTL_MS);
    if (expires <= Date.now()) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(tenantId, { answer, expires });
  }

  forget(tenantId: string): void {
    this.seq++;
    this.entries.delete(tenantId);
    if (this.changed.size >= MAX_CHANGES) this.forgetAll();
    else this.changed.set(tenantId, this.seq);
  }

  forgetAll(): void {
    this.seq++;
    this.everything = this.seq;
    this.entries.clear();
    this.changed.clear();
  }

  /** Listener up or down: either way nothing cached before is trusted. */
  reset(live: boolean): void {
    this.forgetAll();
    this.live = live;
  }

  /** An announcement: tenant ids separated by spaces, or `*`. */
  announced(payload: string): void {
    for (const id of payload.split(' '))
      if (id === EVERY_TENANT) this.forgetAll();
      else if (id) this.forget(id);
    this.onAnnouncement?.(payload);
  }
}

const caches = new WeakMap<Db, EntitlementsCache>();
/** Every cache of this process: a change in a transaction forgets its tenant in each (ids are unique). */
const all = new Set<WeakRef<EntitlementsCache>>();

export function entitlementsCacheOf(db: Db): EntitlementsCache | undefined {
  return caches.get(db);
}

/** A new entitlements cache for `db` and the channel that keeps it. */
export function entitlementsCacheChannel(db: Db): ListenChannel {
  const cache = new EntitlementsCache();
  const previous = caches.get(db);
  if (previous) for (const ref of all) if (ref.deref() === previous) all.delete(ref);
  caches.set(db, cache);
  all.add(new WeakRef(cache));
  return {
    name: ENTITLEMENTS_CHANNEL,
    heard: (payload) => cache.announced(payload),
    live: (on) => cache.reset(on),
  };
}

function forgetEverywhere(tenantId: string | typeof EVERY_TENANT): void {
  for (const ref of all) {
    const cache = ref.deref();
    if (!cache) all.delete(ref);
    else if (tenantId === EVERY_TENANT) cache.forgetAll();
    else cache.forget(tenantId);
  }
}

/**
 * `tx` changed rows the entitlements of `tenantId` (or `'*'`: of every tenant) are read from: forgotten when
 * `tx` commits. A read that overlapped the commit stores nothing (its mark is older than the forget), and
 * one stored before it is deleted by it.
 */
export function changedIn(tx: Tx, tenantId: string | typeof EVERY_TENANT): void {
  afterCommit(tx, () => forgetEverywhere(tenantId));
}
