// Idempotency: (account, method, path, key) → the stored response. Bounded LRU (the SDK sends a key with
// every POST, so a benchmark would otherwise grow memory without limit), entries kept 24 h.
export interface StoredResponse {
  fingerprint: string;
  status: number;
  body: string;
  requestId: string;
  created: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

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

  constructor(max = 20_000) {
    this.max = max;
  }

  get(key: string): StoredResponse | undefined {
    const r = this.map.get(key);
    if (!r) return undefined;
    if (Date.now() - r.created > DAY_MS) {
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

  clear(): void {
    this.map.clear();
    this.inFlight.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
