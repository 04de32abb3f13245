// Signed webhook delivery with retries. Endpoints (`we_`) and thin-payload event destinations (`ed_`) are
// stored objects; their secrets live in an internal table. Each delivery attempt is recorded and
// inspectable through /_sandbox/webhooks/attempts; failed deliveries retry on the configured schedule.
import { createHmac } from 'node:crypto';
import type { Config } from './config.ts';
import type { EventDestination, WebhookEndpoint } from './objects/platform.ts';
import type { EventRec, Store } from './store.ts';
import { newId, nowSeconds } from './wire/ids.ts';

export interface Attempt {
  id: string;
  object: 'webhook_delivery_attempt';
  event: string;
  event_type: string;
  endpoint: string;
  url: string;
  attempt: number;
  status: number | null;
  error: string | null;
  response_body: string | null;
  created: number;
  succeeded: boolean;
  next_retry_at: number | null;
}

interface Pending {
  event: string;
  endpoint: string;
  attempt: number;
  timer: NodeJS.Timeout | null;
  /** Due while delivery was paused (an outage): sent when it resumes. */
  held: boolean;
}

/** Where events go: a webhook endpoint (full payload) or a v2 event destination (thin payload). */
type Target = WebhookEndpoint | EventDestination;

const PLURAL: Record<string, string> = {
  account: 'accounts',
  application_fee: 'application_fees',
  balance_transaction: 'balance_transactions',
  charge: 'charges',
  customer: 'customers',
  dispute: 'disputes',
  payment_intent: 'payment_intents',
  payment_method: 'payment_methods',
  refund: 'refunds',
  setup_intent: 'setup_intents',
  transfer: 'transfers',
  file: 'files',
  capability: 'capabilities',
};

export function signatureHeader(secret: string, payload: string, t = nowSeconds()): string {
  const sig = createHmac('sha256', secret).update(`${t}.${payload}`, 'utf8').digest('hex');
  return `t=${t},v1=${sig}`;
}

export class Webhooks {
  private readonly store: Store;
  private readonly config: Config;
  private pending = new Map<string, Pending>();
  private chains = new Map<string, Promise<void>>();
  private closed = false;
  private paused = false;

  constructor(store: Store, config: Config) {
    this.store = store;
    this.config = config;
  }

  secrets(): Map<string, string> {
    return this.store.table<string>('endpoint_secrets');
  }

  attempts(): Map<string, Attempt> {
    return this.store.table<Attempt>('webhook_attempts');
  }

  private matches(ep: Target, type: string): boolean {
    if (ep.status !== 'enabled') return false;
    const events = ep.enabled_events;
    return events.includes('*') || events.includes(type) || events.includes(`v1.${type}`);
  }

  targets(owner: string, type: string): Target[] {
    const { store, config } = this;
    const platform = config.platformAccountId;
    const out: Target[] = [];
    const connected = owner !== platform;
    for (const ep of store.list(platform, 'webhook_endpoint')) {
      if (ep.connect === connected && this.matches(ep, type)) out.push(ep);
    }
    if (connected) {
      for (const ep of store.list(owner, 'webhook_endpoint')) {
        if (!ep.connect && this.matches(ep, type)) out.push(ep);
      }
    }
    for (const ed of store.list(platform, 'v2.core.event_destination')) {
      const from = ed.events_from ?? ['self'];
      if (from.includes(connected ? 'other_accounts' : 'self') && this.matches(ed, type)) out.push(ed);
    }
    return out;
  }

  countTargets(owner: string, type: string): number {
    const { store, config } = this;
    const platform = config.platformAccountId;
    if (
      store.list(platform, 'webhook_endpoint').length === 0 &&
      store.list(platform, 'v2.core.event_destination').length === 0 &&
      (owner === platform || store.list(owner, 'webhook_endpoint').length === 0)
    ) {
      return 0;
    }
    return this.targets(owner, type).length;
  }

  dispatch(rec: EventRec): void {
    for (const ep of this.targets(rec.owner, rec.type)) {
      const key = `${rec.id} ${ep.id}`;
      this.pending.set(key, { event: rec.id, endpoint: ep.id, attempt: 0, timer: null, held: false });
      this.enqueue(ep.id, key);
    }
  }

  /** One chain per endpoint keeps first deliveries in event order. */
  private enqueue(endpoint: string, key: string): void {
    const prev = this.chains.get(endpoint) ?? Promise.resolve();
    this.chains.set(
      endpoint,
      prev.then(() => this.attempt(key)),
    );
  }

  /** Hold every delivery (first attempts and retries) until `resume`; events are still created. */
  pause(): void {
    this.paused = true;
  }

  /** Send what was held, per endpoint in the order the events were created (`pending` keeps that order). */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const [key, p] of this.pending) {
      if (!p.held) continue;
      p.held = false;
      this.enqueue(p.endpoint, key);
    }
  }

  heldCount(): number {
    let n = 0;
    for (const p of this.pending.values()) if (p.held) n++;
    return n;
  }

  thinPayload(rec: EventRec): string {
    const connected = rec.owner !== this.config.platformAccountId;
    const plural = PLURAL[rec.objectType] ?? `${rec.objectType}s`;
    return JSON.stringify({
      id: rec.id,
      object: 'v2.core.event',
      type: `v1.${rec.type}`,
      created: new Date(rec.created * 1000).toISOString(),
      livemode: false,
      ...(connected ? { context: rec.owner } : {}),
      reason: rec.requestId
        ? { type: 'request', request: { id: rec.requestId, idempotency_key: rec.idempotencyKey } }
        : null,
      related_object: rec.objectId
        ? { id: rec.objectId, type: rec.objectType, url: `/v1/${plural}/${rec.objectId}` }
        : null,
    });
  }

  private async attempt(key: string): Promise<void> {
    const p = this.pending.get(key);
    if (!p || this.closed) return;
    if (p.timer) {
      clearTimeout(p.timer);
      p.timer = null;
    }
    if (this.paused) {
      p.held = true;
      return;
    }
    const { store, config } = this;
    const rec = store.event(p.event);
    const ep = store.findOf(p.endpoint, 'webhook_endpoint', 'v2.core.event_destination')?.obj;
    if (!rec || !ep) {
      this.pending.delete(key);
      return;
    }
    p.attempt++;
    const thin = ep.object === 'v2.core.event_destination';
    const url = thin ? ep.webhook_endpoint.url : ep.url;
    const payload = thin ? this.thinPayload(rec) : rec.json;
    const secret = this.secrets().get(ep.id) ?? '';
    const attempt: Attempt = {
      id: newId('wha'),
      object: 'webhook_delivery_attempt',
      event: rec.id,
      event_type: rec.type,
      endpoint: ep.id,
      url,
      attempt: p.attempt,
      status: null,
      error: null,
      response_body: null,
      created: nowSeconds(),
      succeeded: false,
      next_retry_at: null,
    };
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'stripe-signature': signatureHeader(secret, payload),
        },
        body: payload,
        signal: AbortSignal.timeout(config.webhookTimeoutMs),
      });
      attempt.status = res.status;
      attempt.response_body = (await res.text()).slice(0, 1000);
      attempt.succeeded = res.status >= 200 && res.status < 300;
      if (!attempt.succeeded) attempt.error = `HTTP ${res.status}`;
    } catch (e) {
      attempt.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    if (this.closed) return;
    if (attempt.succeeded) {
      this.pending.delete(key);
    } else {
      const delay = config.webhookRetrySchedule[p.attempt - 1];
      if (delay === undefined) {
        this.pending.delete(key);
      } else {
        attempt.next_retry_at = nowSeconds() + delay;
        p.timer = setTimeout(() => void this.attempt(key), delay * 1000);
        p.timer.unref();
      }
    }
    this.attempts().set(attempt.id, attempt);
    store.changed();
  }

  /** Retry every pending delivery now (`POST /_sandbox/webhooks/retry`). */
  async retryNow(): Promise<number> {
    const keys = [...this.pending.entries()].filter(([, p]) => p.timer !== null).map(([k]) => k);
    await Promise.all(keys.map((k) => this.attempt(k)));
    return keys.length;
  }

  pendingFor(eventId: string): number {
    let n = 0;
    for (const p of this.pending.values()) if (p.event === eventId) n++;
    return n;
  }

  pendingCount(): number {
    return this.pending.size;
  }

  /** Wait until every first attempt queued so far has run. */
  async idle(): Promise<void> {
    await Promise.all(this.chains.values());
  }

  reset(): void {
    for (const p of this.pending.values()) if (p.timer) clearTimeout(p.timer);
    this.pending.clear();
    this.chains.clear();
  }

  close(): void {
    this.closed = true;
    this.reset();
  }
}
