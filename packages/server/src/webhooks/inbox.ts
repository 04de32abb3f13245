import { sql } from 'drizzle-orm';
import { type DrizzleTransactionLike, fromDrizzle } from 'pg-boss';
import type { Config } from '../config.ts';
import { type Db, queryRows, type Tx } from '../db/client.ts';
import { withSystem } from '../db/tenant.ts';
import { ApiError } from '../http/errors.ts';
import type { Jobs } from '../jobs/boss.ts';

/** One verified delivery, ready to store. */
export interface InboundEvent {
  id: string;
  type: string;
  account: string | null;
  source: 'platform' | 'connect' | 'backfill';
  kind: 'snapshot' | 'thin';
  livemode: boolean;
  /** unix seconds */
  created: number;
  apiVersion: string | null;
  payload: Record<string, unknown>;
}

/** Parses a verified body into what the inbox stores; a body that is not a Stripe event is a 400. */
export function parseEvent(raw: Buffer, source: 'platform' | 'connect'): InboundEvent {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError('webhook_payload_invalid', 'The webhook body is not valid JSON.');
  }
  const e = body as Record<string, unknown> | null;
  if (!e || typeof e !== 'object' || typeof e.id !== 'string' || typeof e.type !== 'string' || !e.id) {
    throw new ApiError('webhook_payload_invalid', 'The webhook body is not a Stripe event (id, type).');
  }
  const thin = e.object === 'v2.core.event';
  const created =
    typeof e.created === 'number'
      ? e.created
      : typeof e.created === 'string'
        ? Math.floor(Date.parse(e.created) / 1000)
        : Number.NaN;
  if (!Number.isFinite(created)) {
    throw new ApiError('webhook_payload_invalid', 'The event has no valid `created`.', { param: 'created' });
  }
  if (!thin && (typeof e.data !== 'object' || e.data === null)) {
    throw new ApiError('webhook_payload_invalid', 'The event has no `data` object.', { param: 'data' });
  }
  const account = thin ? e.context : e.account;
  return {
    id: e.id,
    type: e.type,
    account: typeof account === 'string' && account ? account : null,
    source,
    kind: thin ? 'thin' : 'snapshot',
    livemode: e.livemode === true,
    created,
    apiVersion: typeof e.api_version === 'string' ? e.api_version : null,
    payload: e as Record<string, unknown>,
  };
}

export const STRIPE_EVENT_QUEUE = 'stripe-event';

export interface StripeEventJob {
  eventId: string;
  replay?: boolean;
}

export function eventJobOptions(config: Config) {
  return {
    retryLimit: config.WEBHOOK_RETRY_LIMIT,
    retryDelay: config.WEBHOOK_RETRY_DELAY_SECONDS,
    retryBackoff: true,
    expireInSeconds: config.WEBHOOK_JOB_EXPIRE_SECONDS,
  };
}

/**
 * Inserts events (ON CONFLICT DO NOTHING), routing each to the tenant owning its account (now, else the
 * last one that held it), and enqueues one
 * processing job per newly stored event, all in the caller's transaction. Returns the ids newly stored.
 */
export async function insertEvents(
  tx: Tx,
  jobs: Jobs,
  config: Config,
  events: readonly InboundEvent[],
): Promise<Set<string>> {
  const records = events.map((e) => ({
    id: e.id,
    type: e.type,
    account: e.account,
    source: e.source,
    kind: e.kind,
    livemode: e.livemode,
    created: e.created,
    api_version: e.apiVersion,
    payload: e.payload,
  }));
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`insert into stripe_events
          (id, tenant_id, type, account, source, kind, unknown_account, livemode, created, api_version, payload)
        select r.id, coalesce(t.id, held.tenant_id), r.type, r.account, r.source, r.kind,
               (r.account is not null and coalesce(t.id, held.tenant_id) is null),
               r.livemode, to_timestamp(r.created), r.api_version, r.payload
        from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(
          id text, type text, account text, source text, kind text, livemode boolean, created bigint,
          api_version text, payload jsonb)
        left join tenants t on t.stripe_account_id = r.account
        -- an account the tenant held before (replaced or disconnected): its events are still the tenant's
        -- (refunds settling, disputes on its direct charges)
        left join lateral (
          select c.tenant_id from connect_accounts c
          where c.stripe_account_id = r.account
          order by c.connected_at desc limit 1
        ) held on t.id is null
        on conflict (id) do nothing
        returning id`,
  );
  if (rows.length > 0) {
    const opts = eventJobOptions(config);
    await jobs.boss.insert(
      STRIPE_EVENT_QUEUE,
      rows.map((r) => ({ data: { eventId: r.id } satisfies StripeEventJob, ...opts })),
      { db: fromDrizzle(tx as unknown as DrizzleTransactionLike, sql) },
    );
  }
  return new Set(rows.map((r) => r.id));
}

interface Waiting {
  event: InboundEvent;
  resolve(stored: boolean): void;
  reject(err: unknown): void;
}

/**
 * The durable inbox with group commit. A transaction per delivery is bounded by commit latency, so
 * deliveries that arrive while a commit is in flight are written together by the next one: one INSERT for
 * the events and one for their jobs. Each caller's promise settles only after the commit holding its own
 * rows, so nothing is acknowledged before it is durable; a failed commit rejects every caller in it (5xx,
 * Stripe retries). With no concurrency a delivery commits alone, immediately.
 */
export class Inbox {
  private waiting: Waiting[] = [];
  private inflight = 0;
  private readonly db: Db;
  private readonly jobs: () => Promise<Jobs>;
  private readonly config: Config;
  private readonly maxConcurrent: number;
  private readonly maxBatch: number;

  constructor(
    db: Db,
    jobs: () => Promise<Jobs>,
    config: Config,
    opts: { maxConcurrent: number; maxBatch?: number },
  ) {
    this.db = db;
    this.jobs = jobs;
    this.config = config;
    this.maxConcurrent = opts.maxConcurrent;
    this.maxBatch = opts.maxBatch ?? 500;
  }

  /** Resolves true when newly stored, false for a duplicate, once durable; rejects when storage failed. */
  store(event: InboundEvent): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ event, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    while (this.inflight < this.maxConcurrent && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inflight++;
      this.flush(batch).finally(() => {
        this.inflight--;
        this.kick();
      });
    }
  }

  private async flush(batch: Waiting[]): Promise<void> {
    const unique = new Map<string, InboundEvent>();
    for (const w of batch) if (!unique.has(w.event.id)) unique.set(w.event.id, w.event);
    try {
      const jobs = await this.jobs();
      const stored = await withSystem(this.db, 'webhooks.ingest', (tx) =>
        insertEvents(tx, jobs, this.config, [...unique.values()]),
      );
      for (const w of batch) {
        // the first of several copies in one batch is the one stored
        const isNew = stored.delete(w.event.id);
        w.resolve(isNew);
      }
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }
}
