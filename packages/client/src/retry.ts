import { retryAfterSeconds } from './errors.ts';

export interface RetryOptions {
  /** retries after the first attempt (default 2: three attempts at most) */
  retries: number;
  /** the first retry's delay in ms, doubled on each retry (with jitter), at most 8 s; default 300 */
  baseDelayMs?: number;
  /** a 429's Retry-After longer than this (seconds) is not waited for: the 429 is returned; default 30 */
  maxRetryAfterSeconds?: number;
}

type Fetch = (request: Request) => Promise<Response>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Methods that change something: they carry an Idempotency-Key, so that a retry is never done twice. */
const keyed = new Set(['POST', 'DELETE']);

/**
 * Wraps `fetch` with Tributary's retry rules. A POST or DELETE without an `Idempotency-Key` gets a random one,
 * the same on every retry of it, so the API replays the first outcome instead of doing it again. Retried:
 * network errors (the request may or may not have reached the API: the key makes that safe), 5xx answers
 * (never stored by the API's idempotency layer, so the retry runs the request again) and 429 (after its
 * Retry-After). Everything else — 2xx, 4xx — is returned at once.
 */
export function retryingFetch(fetchImpl: Fetch, options: RetryOptions): Fetch {
  const base = options.baseDelayMs ?? 300;
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 30;
  return async (input) => {
    let request = input;
    if (keyed.has(request.method) && !request.headers.has('idempotency-key')) {
      const headers = new Headers(request.headers);
      headers.set('idempotency-key', crypto.randomUUID());
      request = new Request(request, { headers });
    }
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= options.retries;
      const backoff = Math.min(8000, base * 2 ** attempt) * (0.5 + Math.random() / 2);
      let response: Response;
      try {
        response = await fetchImpl(last ? request : request.clone());
      } catch (err) {
        if (last || (err as Error).name === 'AbortError') throw err;
        await sleep(backoff);
        continue;
      }
      if (last) return response;
      if (response.status === 429) {
        const after = retryAfterSeconds(response.headers.get('retry-after'));
        if (after !== null && after > maxRetryAfter) return response;
        await response.body?.cancel();
        await sleep(after !== null ? after * 1000 : backoff);
        continue;
      }
      if (response.status >= 500) {
        await response.body?.cancel();
        await sleep(backoff);
        continue;
      }
      return response;
    }
  };
}
