import { sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import { accountHolderSql } from '../db/account-holder.ts';
import { type Db, queryRows, type Tx } from '../db/client.ts';
import { describeDbError } from '../db/errors.ts';
import { unstorableString } from '../db/storable.ts';
import { withSystem } from '../db/tenant.ts';
import { ApiError } from '../http/errors.ts';
import type { Jobs } from '../jobs/boss.ts';
import type { RetryPolicy } from '../jobs/define.ts';
import type { WorkerPacing } from '../jobs/pacing.ts';
import { storableEvent } from './stored-payload.ts';

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
  /** as Postgres can hold it (stored-payload.ts) */
  payload: Record<string, unknown>;
  /** the exact signed bytes, only when `payload` differs from them */
  rawBody: Buffer | null;
  /** `payload` as JSON text when the body is stored as sent: the body itself, written without serialising again */
  payloadJson?: string;
}

/** Latest `created` Postgres's timestamptz takes and any real event could have (the year 9999). */
const MAX_CREATED = 253_402_300_799;

/** An id, type or account that Postgres cannot store can never be stored: a 400, Stripe stops retrying. */
function storableField(value: unknown, name: string): value is string {
  if (typeof value !== 'string' || !value) return false;
  if (unstorableString(value)) {
    throw new ApiError('webhook_payload_invalid', `The event's \`${name}\` cannot be stored.`, {
      param: name,
    });
  }
  return true;
}

/**
 * A number Postgres's numeric cannot hold (an exponent past its range, or digits beyond it): such a body is
 * stored as JavaScript reads it (an overflow becomes null), never as its own text, which jsonb would refuse.
 */
const outOfNumericRange = /\d[eE][+-]?\d{5}|\d{1000}/;

/** Parses a verified body into what the inbox stores; a body that is not a Stripe event is a 400. */
export function parseEvent(raw: Buffer, source: 'platform' | 'connect'): InboundEvent {
  let body: unknown;
  const text = raw.toString('utf8');
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError('webhook_payload_invalid', 'The webhook body is not valid JSON.');
  }
  const e = body as Record<string, unknown> | null;
  if (
    !e ||
    typeof e !== 'object' ||
    Array.isArray(e) ||
    !storableField(e.id, 'id') ||
    !storableField(e.type, 'type')
  ) {
    throw new ApiError('webhook_payload_invalid', 'The webhook body is not a Stripe event (id, type).');
  }
  const thin = e.object === 'v2.core.event';
  const created =
    typeof e.created === 'number'
      ? e.created
      : typeof e.created === 'string'
        ? Math.floor(Date.parse(e.created) / 1000)
        : Number.NaN;
  if (!Number.isFinite(created) || created < 0 || created > MAX_CREATED) {
    throw new ApiError('webhook_payload_invalid', 'The event has no valid `created`.', { param: 'created' });
  }
  if (!thin && (typeof e.data !== 'object' || e.data === null)) {
    throw new ApiError('webhook_payload_invalid', 'The event has no `data` object.', { param: 'data' });
  }
  const account = thin ? e.context : e.account;
  const apiVersion = typeof e.api_version === 'string' ? e.api_version : null;
  const stored = storableEvent(e, () => raw);
  return {
    id: e.id,
    type: e.type,
    account: storableField(account, thin ? 'context' : 'account') ? account : null,
    source,
    kind: thin ? 'thin' : 'snapshot',
    livemode: e.livemode === true,
    created: Math.floor(created),
    apiVersion: apiVersion && !unstorableString(apiVersion) ? apiVersion : null,
    ...stored,
    ...(stored.rawBody || outOfNumericRange.test(text) ? {} : { payloadJson: text }),
  };
}

export const STRIPE_EVENT_QUEUE = 'stripe-event';
/** Events one `stripe-event` job names at most: a group commit's new events are split into jobs of this size. */
export const EVENTS_PER_JOB = 100;
/**
 * Jobs a worker takes in one fetch. A group commit under load holds a few dozen events, so a fetch takes many
 * jobs; their events are applied in batches of up to EVENTS_PER_BATCH (batch.ts).
 */
export const JOBS_PER_BATCH = 16;
/** Events applied as one batch (one claim, one transaction per tenant, one outcome update). */
export const EVENTS_PER_BATCH = 400;

export function eventJobOptions(config: Config): RetryPolicy {
  return {
    retryLimit: config.WEBHOOK_RETRY_LIMIT,
    retryDelay: config.WEBHOOK_RETRY_DELAY_SECONDS,
    retryBackoff: true,
    expireInSeconds: config.WEBHOOK_JOB_EXPIRE_SECONDS,
  };
}

/**
 * Inserts events (ON CONFLICT DO NOTHING), routing each to the tenant holding its account (now, else the
 * last one that held it: connect/'s accountHolderSql), and enqueues the newly stored ones' processing in
 * jobs of up to EVENTS_PER_JOB events, all in the caller's transaction. Returns the ids newly stored.
 */
export async function insertEvents(
  tx: Tx,
  jobs: Jobs,
  config: Config,
  events: readonly InboundEvent[],
): Promise<Set<string>> {
  // each record's fields, then its payload as the body's own text when it has one (no second serialisation)
  const records = `[${events
    .map((e) => {
      const fields = JSON.stringify({
        id: e.id,
        type: e.type,
        account: e.account,
        source: e.source,
        kind: e.kind,
        livemode: e.livemode,
        created: e.created,
        api_version: e.apiVersion,
        raw_body: e.rawBody?.toString('base64') ?? null,
      });
      return `${fields.slice(0, -1)},"payload":${e.payloadJson ?? JSON.stringify(e.payload)}}`;
    })
    .join(',')}]`;
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`insert into stripe_events
          (id, tenant_id, type, account, source, kind, unknown_account, livemode, created, api_version, payload,
           raw_body)
        select r.id, held.tenant_id, r.type, r.account, r.source, r.kind,
               (r.account is not null and held.tenant_id is null),
               r.livemode, to_timestamp(r.created), r.api_version, r.payload, decode(r.raw_body, 'base64')
        from jsonb_to_recordset(${records}::jsonb) as r(
          id text, type text, account text, source text, kind text, livemode boolean, created bigint,
          api_version text, payload jsonb, raw_body text)
        cross join lateral (select ${accountHolderSql(sql`r.account`)} as tenant_id) held
        on conflict (id) do nothing
        returning id`,
  );
  const ids = rows.map((r) => r.id);
  const groups: { eventIds: string[] }[] = [];
  for (let i = 0; i < ids.length; i += EVENTS_PER_JOB)
    groups.push({ eventIds: ids.slice(i, i + EVENTS_PER_JOB) });
  await jobs.sendInTx(tx, STRIPE_EVENT_QUEUE, groups, eventJobOptions(config));
  return new Set(ids);
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
 * rows, so nothing is acknowledged before it is durable; a failed group commit is retried event by event, so
 * only an event that cannot be stored on its own rejects its caller (5xx, Stripe retries). With no concurrency a delivery commits alone, immediately.
 */
export class Inbox {
  private waiting: Waiting[] = [];
  private inflight = 0;
  private readonly db: Db;
  private readonly jobs: () => Promise<Jobs>;
  private readonly config: Config;
  private readonly maxConcurrent: number;
  private readonly maxBatch: number;
  private readonly pacing: WorkerPacing | undefined;

  constructor(
    db: Db,
    jobs: () => Promise<Jobs>,
    config: Config,
    opts: { maxConcurrent: number; maxBatch?: number; pacing?: WorkerPacing },
  ) {
    this.db = db;
    this.jobs = jobs;
    this.config = config;
    this.maxConcurrent = opts.maxConcurrent;
    this.maxBatch = opts.maxBatch ?? 500;
    this.pacing = opts.pacing;
  }

  /** Resolves true when newly stored, false for a duplicate, once durable; rejects when storage failed. */
  store(event: InboundEvent): Promise<boolean> {
    this.pacing?.noteIngest();
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
    const rejectAll = (err: unknown) => {
      for (const w of batch) w.reject(err);
    };
    let jobs: Jobs;
    try {
      jobs = await this.jobs();
    } catch (err) {
      return rejectAll(err);
    }
    try {
      return await this.commit(jobs, batch, [...unique.values()]);
    } catch (err) {
      if (unique.size === 1) return rejectAll(err);
    }
    // One event that cannot be stored must not fail the others of its group: the group's events
    // are written one by one, so only one that fails on its own is answered 503.
    for (const event of unique.values()) {
      const waiting = batch.filter((w) => w.event.id === event.id);
      try {
        await this.commit(jobs, waiting, [event]);
      } catch (err) {
        // its own text refused by Postgres (a data exception: a number jsonb cannot hold) where its parsed
        // form is storable: that form; any other failure (the database busy or gone) is the delivery's 503
        const refused = describeDbError(err)?.code?.startsWith('22') ?? false;
        const parsed = refused && event.payloadJson ? { ...event, payloadJson: undefined } : null;
        if (!parsed) {
          for (const w of waiting) w.reject(err);
          continue;
        }
        await this.commit(jobs, waiting, [parsed]).catch((again: unknown) => {
          for (const w of waiting) w.reject(again);
        });
      }
    }
  }

  /** Writes `events` in one transaction and settles `batch` (their deliveries) once it is durable. */
  private async commit(jobs: Jobs, batch: Waiting[], events: InboundEvent[]): Promise<void> {
    const stored = await withSystem(this.db, 'webhooks.ingest', (tx) =>
      insertEvents(tx, jobs, this.config, events),
    );
    for (const w of batch) {
      // the first of several copies in one batch is the one stored
      w.resolve(stored.delete(w.event.id));
    }
  }
}
