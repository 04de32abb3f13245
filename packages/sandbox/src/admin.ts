// /_sandbox/… admin routes (JSON, no auth, off the Stripe paths): fault injection, outages, reset, trigger
// events, advance onboarding, Stripe's fees, settle bank debits and refunds, release balances and run
// payouts, retry webhooks now, list delivery attempts, expire idempotency keys, stats.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type App, systemCtx } from './app.ts';
import { type BillingSettings, billingSettings, runNow, setBillingSettings } from './billing/scheduler.ts';
import { infoOf, recompute, requiredFor } from './connect/requirements.ts';
import { emitEvent } from './events.ts';
import { type FaultKind, Faults } from './faults.ts';
import { feeSettings, setFeeSettings } from './money/fees.ts';
import { Outage, parseOutage } from './outage.ts';
import { settleBankDebit } from './payments/confirm.ts';
import { pmTable } from './resources/payment_methods.ts';
import { releaseAndPayOut } from './resources/payouts/lifecycle.ts';
import { REFUND_JOBS } from './resources/refunds.ts';
import { parseForm, parseJson, readBody } from './wire/body.ts';
import type { IdempotencyStore } from './wire/idempotency.ts';
import { isPlain } from './wire/schema.ts';

export interface AdminHooks {
  reset(): void;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const KINDS: FaultKind[] = [
  'error',
  'rate_limit',
  'timeout',
  'drop_response',
  'withhold_response',
  'latency',
  'key_in_use',
  'stored_error',
];

const FINAL_SUBSCRIPTION: BillingSettings['final_subscription_status'][] = ['canceled', 'unpaid', 'past_due'];
const FINAL_INVOICE: BillingSettings['final_invoice_status'][] = ['open', 'uncollectible'];

/** One API request as the sandbox received it: what a test reads to see which idempotency key a call used. */
export interface RequestLogEntry {
  method: string;
  path: string;
  idempotency_key: string | null;
  /** answered from the idempotency store (`Idempotent-Replayed: true`) */
  replayed: boolean;
}

const REQUEST_LOG_SIZE = 5000;

export class Admin {
  readonly faults = new Faults();
  readonly outage: Outage;
  readonly app: App;
  private readonly log: RequestLogEntry[] = [];

  /** the latest REQUEST_LOG_SIZE API requests, oldest first (`GET /_sandbox/requests`) */
  get requests(): RequestLogEntry[] {
    return this.log.length > REQUEST_LOG_SIZE ? this.log.slice(-REQUEST_LOG_SIZE) : this.log;
  }

  /** Records a request; the oldest are dropped a thousand at a time (not one per request, under load). */
  logRequest(entry: RequestLogEntry): RequestLogEntry {
    this.log.push(entry);
    if (this.log.length >= REQUEST_LOG_SIZE + 1000) this.log.splice(0, this.log.length - REQUEST_LOG_SIZE);
    return entry;
  }
  private idempotency: IdempotencyStore;
  private hooks: AdminHooks;

  constructor(app: App, idempotency: IdempotencyStore, hooks: AdminHooks) {
    this.app = app;
    this.outage = new Outage(app.webhooks, this.faults);
    this.idempotency = idempotency;
    this.hooks = hooks;
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
    const method = req.method ?? 'GET';
    const raw = method === 'GET' ? query : (await readBody(req)).toString('utf8');
    const isJson = method !== 'GET' && (req.headers['content-type'] ?? '').includes('json');
    const body = isJson ? parseJson(raw) : parseForm(raw);
    const { app } = this;
    const route = `${method} ${path.replace(/\/+$/, '')}`;
    const m = /^(\w+) \/_sandbox\/(.*)$/.exec(route);
    const rest = m?.[2] ?? '';

    if (route === 'GET /_sandbox/health') return json(res, 200, { ok: true });
    if (route === 'GET /_sandbox/stats') {
      // With --expose-gc (the benchmark), measure live memory rather than garbage awaiting collection.
      globalThis.gc?.();
      const mem = process.memoryUsage();
      return json(res, 200, {
        rss: mem.rss,
        heap_used: mem.heapUsed,
        heap_total: mem.heapTotal,
        idempotency_entries: this.idempotency.size,
        objects: app.store.counts(),
        pending_webhooks: app.webhooks.pendingCount(),
      });
    }
    if (route === 'POST /_sandbox/faults') {
      const kind = KINDS.find((k) => k === String(body.type ?? body.kind ?? 'error'));
      if (!kind) return json(res, 400, { error: `type must be one of ${KINDS.join(', ')}` });
      const rule = this.faults.add({
        kind,
        count: Number(body.count ?? 1),
        path: body.path ? String(body.path) : null,
        method: body.method ? String(body.method) : null,
        status: body.status ? Number(body.status) : null,
        latencyMs: Number(body.latency_ms ?? (kind === 'latency' ? 1000 : 0)),
      });
      return json(res, 200, rule);
    }
    if (route === 'GET /_sandbox/requests') {
      const prefix = new URLSearchParams(query).get('path') ?? '';
      return json(res, 200, { data: this.requests.filter((r) => r.path.startsWith(prefix)) });
    }
    if (route === 'GET /_sandbox/faults') return json(res, 200, { data: this.faults.list() });
    if (route === 'DELETE /_sandbox/faults') {
      this.faults.clear();
      this.faults.releaseHung();
      return json(res, 200, { ok: true });
    }
    if (route === 'POST /_sandbox/reset') {
      this.faults.clear();
      this.faults.releaseHung();
      this.idempotency.clear();
      this.hooks.reset();
      this.outage.end();
      return json(res, 200, { ok: true });
    }
    const outageState = () => ({ ...this.outage.state(), webhooks_held: app.webhooks.heldCount() });
    if (route === 'GET /_sandbox/outage') return json(res, 200, outageState());
    if (route === 'POST /_sandbox/outage') {
      const spec = parseOutage(body);
      if (typeof spec === 'string') return json(res, 400, { error: spec });
      this.outage.start(spec);
      return json(res, 200, outageState());
    }
    if (route === 'DELETE /_sandbox/outage' || route === 'POST /_sandbox/outage/end') {
      this.outage.end();
      return json(res, 200, outageState());
    }
    if (route === 'POST /_sandbox/idempotency/expire') {
      const older = body.older_than_seconds === undefined ? undefined : Number(body.older_than_seconds);
      if (older !== undefined && !(Number.isFinite(older) && older >= 0))
        return json(res, 400, { error: 'older_than_seconds must be a number of seconds ≥ 0' });
      const expired = this.idempotency.expire({
        key: body.key === undefined ? undefined : String(body.key),
        storedBefore: older === undefined ? undefined : Date.now() - older * 1000,
      });
      return json(res, 200, { expired });
    }
    if (route === 'POST /_sandbox/webhooks/retry') {
      const retried = await app.webhooks.retryNow();
      return json(res, 200, { retried });
    }
    if (route === 'GET /_sandbox/webhooks/attempts') {
      const params = parseForm(query);
      const data = [...app.webhooks.attempts().values()].filter(
        (a) =>
          (!params.event || a.event === params.event) && (!params.endpoint || a.endpoint === params.endpoint),
      );
      return json(res, 200, { object: 'list', data });
    }
    if (route === 'POST /_sandbox/webhooks/flush') {
      await app.webhooks.idle();
      return json(res, 200, { ok: true });
    }
    if (route === 'GET /_sandbox/billing/settings') return json(res, 200, billingSettings(app));
    if (route === 'POST /_sandbox/billing/settings') {
      const patch: Partial<BillingSettings> = {};
      if (body.retry_days !== undefined) {
        const days = (
          Array.isArray(body.retry_days) ? body.retry_days : Object.values(Object(body.retry_days))
        ).map(Number);
        if (days.some((d) => !Number.isFinite(d) || d <= 0))
          return json(res, 400, { error: 'retry_days must be positive numbers of days' });
        patch.retry_days = days;
      }
      if (body.upcoming_days !== undefined) {
        const d = Number(body.upcoming_days);
        if (!Number.isFinite(d) || d < 0)
          return json(res, 400, { error: 'upcoming_days must be a number of days ≥ 0' });
        patch.upcoming_days = d;
      }
      if (body.final_subscription_status !== undefined) {
        const v = FINAL_SUBSCRIPTION.find((s) => s === String(body.final_subscription_status));
        if (!v) {
          return json(res, 400, { error: 'final_subscription_status must be canceled, unpaid or past_due' });
        }
        patch.final_subscription_status = v;
      }
      if (body.final_invoice_status !== undefined) {
        const v = FINAL_INVOICE.find((s) => s === String(body.final_invoice_status));
        if (!v) return json(res, 400, { error: 'final_invoice_status must be open or uncollectible' });
        patch.final_invoice_status = v;
      }
      return json(res, 200, setBillingSettings(app, patch));
    }
    if (route === 'GET /_sandbox/fees') return json(res, 200, feeSettings(app));
    if (route === 'POST /_sandbox/fees') {
      const error = setFeeSettings(app, body as Record<string, unknown>);
      return error ? json(res, 400, { error }) : json(res, 200, feeSettings(app));
    }
    if (route === 'POST /_sandbox/payment_intents/settle') {
      const ids = [...app.store.table<string>('processing').keys()];
      for (const id of ids) settleBankDebit(app, id);
      return json(res, 200, { settled: ids });
    }
    if (route === 'POST /_sandbox/refunds/settle') {
      // Pending refunds succeed and 5126-card refunds fail now, instead of after `asyncRefundDelayMs`.
      const only = body.refund ? String(body.refund) : undefined;
      return json(res, 200, { settled: runNow(app, REFUND_JOBS, only) });
    }
    if (route === 'POST /_sandbox/balance/release') {
      // Pending funds become available and the day's payouts are made and arrive now, instead of in days.
      const account = body.account ? String(body.account) : undefined;
      if (account && account !== app.config.platformAccountId && !app.store.find(account)) {
        return json(res, 404, { error: 'no such account' });
      }
      return json(res, 200, releaseAndPayOut(app, account));
    }
    const onboarding = /^POST accounts\/(acct_\w+)\/onboarding$/.exec(`${method} ${rest}`);
    if (onboarding) {
      const platform = app.config.platformAccountId;
      const acct = app.store.get(platform, onboarding[1]!, 'account');
      if (!acct) return json(res, 404, { error: 'no such account' });
      const ctx = systemCtx(app, platform);
      const info = infoOf(ctx, acct.id);
      const action = String(body.action ?? 'complete');
      if (action === 'complete') {
        info.provided = requiredFor(acct);
        info.submitted = true;
      } else if (action === 'partial') {
        info.provided = requiredFor(acct).filter((f) => !f.startsWith('external_account'));
      } else if (action === 'reset') {
        info.provided = [];
        info.submitted = false;
      } else return json(res, 400, { error: 'action must be complete, partial or reset' });
      recompute(ctx, acct);
      return json(res, 200, acct);
    }
    // a saved card the bank declines from now on (reported lost or stolen, expired): what no test card number
    // can do, since Stripe refuses to save a card that declines
    const declined = /^POST cards\/(pm_\w+)\/decline$/.exec(`${method} ${rest}`);
    if (declined) {
      const found = app.store.find(declined[1]!);
      const ctx = found ? systemCtx(app, found.owner) : null;
      const internal = ctx ? pmTable(ctx).get(declined[1]!) : undefined;
      if (!ctx || !internal?.number) return json(res, 404, { error: 'no such card payment method' });
      const advice = body.advice_code === undefined ? undefined : String(body.advice_code);
      if (advice && !['do_not_try_again', 'try_again_later', 'confirm_card_data'].includes(advice))
        return json(res, 400, {
          error: 'advice_code must be do_not_try_again, try_again_later or confirm_card_data',
        });
      internal.declinedSince = {
        declineCode: String(body.decline_code ?? 'lost_card'),
        ...(advice ? { adviceCode: advice as 'do_not_try_again' } : {}),
      };
      app.store.changed();
      return json(res, 200, { ok: true });
    }
    if (route === 'POST /_sandbox/events/trigger') {
      const type = String(body.type ?? '');
      if (!type) return json(res, 400, { error: 'type is required' });
      const owner = body.account ? String(body.account) : app.config.platformAccountId;
      const objectId = body.object_id ? String(body.object_id) : null;
      const found = objectId ? app.store.find(objectId) : undefined;
      const object = found?.obj ??
        (isPlain(body.object) ? body.object : undefined) ?? {
          id: null,
          object: type.split('.')[0],
        };
      const rec = emitEvent(app, null, owner, type, object);
      return json(res, 200, JSON.parse(rec.json));
    }
    return json(res, 404, { error: `Unknown sandbox route ${route}` });
  }
}
