// Outage mode: a sustained failure of the API (all requests, or those matching a path substring and/or a
// method) until it is ended or its real-clock duration runs out. Matching requests answer 5xx or 429, hang,
// or are performed with the connection reset instead of the answer. Webhook delivery is held meanwhile and
// catches up when the outage ends. Admin routes and hosted pages are not affected.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults } from './faults.ts';
import { apiError, rateLimited, StripeError } from './wire/errors.ts';
import type { Params } from './wire/schema.ts';

export type OutageType = 'error' | 'rate_limit' | 'timeout' | 'drop_response';

export const OUTAGE_TYPES: OutageType[] = ['error', 'rate_limit', 'timeout', 'drop_response'];

export interface OutageSpec {
  type: OutageType;
  /** The answer's status: 5xx for `error` (default 500), 429 for `rate_limit`. */
  status: number;
  path: string | null;
  method: string | null;
  /** Seconds for `Retry-After` (always on 429, on a 5xx only when given). */
  retryAfter: number | null;
  durationMs: number | null;
}

export interface OutageState {
  object: 'sandbox_outage';
  active: boolean;
  type: OutageType | null;
  status: number | null;
  path: string | null;
  method: string | null;
  retry_after: number | null;
  /** Real-clock times in ms since the epoch. */
  started_at: number | null;
  ends_at: number | null;
  affected_requests: number;
}

/** What the server does with a request the outage matches. */
export type OutageEffect = { kind: 'respond'; error: StripeError } | { kind: 'hang' } | { kind: 'drop' };

/** The webhook side of an outage: delivery stops at the start and catches up at the end. */
export interface DeliveryGate {
  pause(): void;
  resume(): void;
}

/** Parses `POST /_sandbox/outage` params; a string is the reason they are invalid. */
export function parseOutage(body: Params): OutageSpec | string {
  const status = body.status === undefined ? null : Number(body.status);
  const named = body.type ?? body.kind;
  const type = named === undefined && status === 429 ? 'rate_limit' : String(named ?? 'error');
  const t = OUTAGE_TYPES.find((k) => k === type);
  if (!t) return `type must be one of ${OUTAGE_TYPES.join(', ')}`;
  if (t === 'error' && status !== null && !(Number.isInteger(status) && status >= 500 && status <= 599))
    return 'status must be a 5xx code for type error';
  if (t === 'rate_limit' && status !== null && status !== 429)
    return 'status must be 429 for type rate_limit';
  const duration = body.duration_ms === undefined ? null : Number(body.duration_ms);
  if (duration !== null && !(Number.isFinite(duration) && duration > 0))
    return 'duration_ms must be a positive number of milliseconds';
  const retryRaw = body.retry_after ?? body.retry_after_seconds;
  const retryAfter = retryRaw === undefined ? null : Number(retryRaw);
  if (retryAfter !== null && !(Number.isInteger(retryAfter) && retryAfter >= 0))
    return 'retry_after must be a whole number of seconds';
  return {
    type: t,
    status: t === 'rate_limit' ? 429 : (status ?? 500),
    path: body.path ? String(body.path) : null,
    method: body.method ? String(body.method).toUpperCase() : null,
    retryAfter: t === 'rate_limit' ? (retryAfter ?? 1) : retryAfter,
    durationMs: duration,
  };
}

function outageError(spec: OutageSpec): StripeError {
  if (spec.type === 'rate_limit') {
    const e = rateLimited();
    return new StripeError(429, e.body, {
      headers: { 'Retry-After': String(spec.retryAfter ?? 1) },
      save: false,
    });
  }
  const message =
    spec.status === 503
      ? 'The Stripe API is temporarily unavailable. Please try again later.'
      : apiError().body.message;
  const headers: Record<string, string> = { 'Stripe-Should-Retry': 'true' };
  if (spec.retryAfter !== null) headers['Retry-After'] = String(spec.retryAfter);
  return new StripeError(spec.status, { type: 'api_error', message }, { headers, save: false });
}

export class Outage {
  private spec: OutageSpec | null = null;
  private startedAt = 0;
  private affected = 0;
  private timer: NodeJS.Timeout | null = null;
  private hung = new Set<ServerResponse>();
  private readonly delivery: DeliveryGate;
  private readonly faults: Faults;

  constructor(delivery: DeliveryGate, faults: Faults) {
    this.delivery = delivery;
    this.faults = faults;
  }

  /** Starts an outage, replacing the one in progress (webhooks stay held across the change). */
  start(spec: OutageSpec): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.spec) {
      this.delivery.pause();
      this.affected = 0;
    }
    this.spec = spec;
    this.startedAt = Date.now();
    if (spec.durationMs !== null) {
      this.timer = setTimeout(() => this.end(), spec.durationMs);
      this.timer.unref();
    }
  }

  /** Ends the outage: hung requests are reset and webhook delivery catches up. */
  end(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const was = this.spec;
    this.spec = null;
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    if (was) this.delivery.resume();
  }

  state(): OutageState {
    const s = this.spec;
    return {
      object: 'sandbox_outage',
      active: s !== null,
      type: s?.type ?? null,
      status: s?.type === 'error' || s?.type === 'rate_limit' ? s.status : null,
      path: s?.path ?? null,
      method: s?.method ?? null,
      retry_after: s?.retryAfter ?? null,
      started_at: s ? this.startedAt : null,
      ends_at: s?.durationMs ? this.startedAt + s.durationMs : null,
      affected_requests: this.affected,
    };
  }

  /** Whether an outage is set (whatever requests it affects). */
  active(): boolean {
    return this.spec !== null;
  }

  /** The effect on an API request, or null when the request is served normally. */
  effectFor(method: string, path: string): OutageEffect | null {
    const s = this.spec;
    if (!s) return null;
    if (s.path && !path.includes(s.path)) return null;
    if (s.method && s.method !== method.toUpperCase()) return null;
    this.affected++;
    if (s.type === 'timeout') return { kind: 'hang' };
    if (s.type === 'drop_response') return { kind: 'drop' };
    return { kind: 'respond', error: outageError(s) };
  }

  /** Never answers (the client's timeout fires); the connection is reset when the outage ends. */
  hang(req: IncomingMessage, res: ServerResponse): void {
    this.faults.hang(req, res);
    this.hung.add(res);
    res.on('close', () => this.hung.delete(res));
  }
}
