// Idempotency: (account, method, path, key) → the stored response. Bounded LRU (the SDK sends a key with
// every POST, so a benchmark would otherwise grow memory without limit). Stripe may prune a key once it is at
// least 24 h old, and a reused pruned key makes a new request: entries are kept for the retention age
// (default 24 h), and /_sandbox/idempotency/expire prunes them on demand.
export interface StoredResponse {
  fingerprint: string;
  status: number;
  body: string;
  requestId: string;
  created: number;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Which stored keys to prune: all, one `Idempotency-Key` value, or those stored before a time (ms). */
export interface ExpireFilter {
  key?: string;
  storedBefore?: number;
}

/** Stable JSON of parsed params so key order does not matter. */
export function fingerprint(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(fingerprint).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${fingerprint(Reflect.get(v, k))}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export class IdempotencyStore {
  private map = new Map<string, StoredResponse>();
  readonly inFlight = new Set<string>();
  private readonly max: number;
  private readonly retentionMs: number;

  constructor(max = 20_000, retentionMs = DAY_MS) {
    this.max = max;
    this.retentionMs = retentionMs;
  }

  get(key: string): StoredResponse | undefined {
    const r = this.map.get(key);
    if (!r) return undefined;
    if (Date.now() - r.created >= this.retentionMs) {
      this.map.delete(key);
      return undefined;
    }
    return r;
  }

  set(key: string, r: StoredResponse): void {
    this.map.delete(key);
    this.map.set(key, r);
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
  }

  /** Prunes matching entries (not requests in flight); returns how many. */
  expire(filter: ExpireFilter = {}): number {
    let n = 0;
    for (const [storeKey, r] of this.map) {
      if (filter.key !== undefined && idempotencyKeyOf(storeKey) !== filter.key) continue;
      if (filter.storedBefore !== undefined && r.created >= filter.storedBefore) continue;
      this.map.delete(storeKey);
      n++;
    }
    return n;
  }

  clear(): void {
    this.map.clear();
    this.inFlight.clear();
  }

  get size(): number {
    return this.map.size;
  }
}

/** The client's `Idempotency-Key` in a store key `${account} ${method} ${path} ${key}` (the key may hold spaces). */
function idempotencyKeyOf(storeKey: string): string {
  return storeKey.split(' ').slice(3).join(' ');
}
