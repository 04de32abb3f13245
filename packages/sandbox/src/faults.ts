// Fault injection rules: the next N requests (optionally matching a method/path substring) fail with
// 500/429, time out, get extra latency, or are performed with the response dropped (the connection reset) or
// withheld (the connection left open with no answer until the client gives up: a hung call that was done),
// or refused as if a request with the same idempotency key were still in flight.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { rateLimited, type StripeError } from './wire/errors.ts';

export type FaultKind =
  | 'error'
  | 'rate_limit'
  | 'timeout'
  | 'drop_response'
  | 'withhold_response'
  | 'latency'
  /** 409 `idempotency_key_in_use`: as if an earlier request with the same key were still being processed */
  | 'key_in_use'
  /** 500 from a request that started executing: kept under its idempotency key, so a retry with it replays the 500 */
  | 'stored_error';

export interface FaultRule {
  id: number;
  kind: FaultKind;
  count: number;
  path: string | null;
  method: string | null;
  status: number | null;
  latencyMs: number;
}

export class Faults {
  private rules: FaultRule[] = [];
  private nextId = 1;
  private hung = new Set<ServerResponse>();

  add(r: Omit<FaultRule, 'id'>): FaultRule {
    const rule = { ...r, id: this.nextId++ };
    this.rules.push(rule);
    return rule;
  }

  list(): FaultRule[] {
    return this.rules;
  }

  clear(): void {
    this.rules = [];
  }

  take(method: string, path: string): FaultRule | undefined {
    if (this.rules.length === 0) return undefined;
    const i = this.rules.findIndex(
      (r) => (!r.path || path.includes(r.path)) && (!r.method || r.method.toUpperCase() === method),
    );
    if (i < 0) return undefined;
    const rule = this.rules[i]!;
    rule.count--;
    if (rule.count <= 0) this.rules.splice(i, 1);
    return rule;
  }

  rateLimit(): StripeError {
    return rateLimited();
  }

  /** Never answer: the client's own timeout fires. The socket is released on close/reset. */
  hang(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    this.hung.add(res);
    res.on('close', () => this.hung.delete(res));
  }

  releaseHung(): void {
    for (const res of this.hung) res.destroy();
    this.hung.clear();
  }
}
