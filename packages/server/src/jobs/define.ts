import type { QueueOptions, SendOptions } from 'pg-boss';
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { Db, Tx } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { StripeRef } from '../stripe/client.ts';
import type { WorkerPacing } from './pacing.ts';

/**
 * Every queue the server has: the migration creates them, and a job can be sent only to one of them. Each
 * queue's payload type is declared by the domain that defines its job, next to that definition, in
 * `JobPayloads` (or, on `billing-followup`, in `FollowupKinds`); the registry (`job-registry.ts`) fails to
 * compile when a queue or a kind has no definition there.
 */
export const jobQueues = [
  'maintenance',
  'stripe-event',
  'outbound-fanout',
  'outbound-deliver',
  'billing-followup',
  'notification-send',
  'billing-meter-report',
  'analytics-ledger-check',
  'analytics-snapshots',
] as const;
export type JobQueue = (typeof jobQueues)[number];

/** Queue → the payload it takes, as sent; added to by each domain (`declare module '…/jobs/define.ts'`). */
export interface JobPayloads {
  'billing-followup': FollowupKinds[keyof FollowupKinds];
}
/** Domain → the `billing-followup` kinds it handles, as sent; added to by each domain. */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in the domains
export interface FollowupKinds {}

/** The `JobPayloads` entries of a domain's definitions: `interface JobPayloads extends PayloadsOf<typeof jobs> {}`. */
export type PayloadsOf<D extends readonly JobDefinition[]> = {
  [J in D[number] as J['queue']]: J extends JobDefinition<JobQueue, infer In, unknown> ? In : never;
};

/** What may be sent to `queue`: its definition's schema input. */
export type JobInput<Q extends JobQueue> = Q extends keyof JobPayloads ? JobPayloads[Q] : never;

/** What a sender may set on a job; the rest comes from the queue's definition. */
export type SendInTxOptions = Pick<
  SendOptions,
  'retryLimit' | 'retryDelay' | 'retryBackoff' | 'expireInSeconds' | 'startAfter'
>;

export interface Jobs {
  /**
   * Enqueues inside the caller's transaction: the job exists only if the transaction commits. The queue is
   * one the registry (job-registry.ts) has a handler for, the payload its schema's; an array enqueues one
   * job per payload in one statement.
   */
  sendInTx<Q extends JobQueue>(
    tx: Tx,
    queue: Q,
    data: JobInput<Q> | readonly JobInput<Q>[],
    options?: SendInTxOptions,
  ): Promise<void>;
  stop(): Promise<void>;
}

/** What a handler may know of the job it works besides its payload. */
export interface JobMeta {
  id: string;
  /** how long the job may run before pg-boss takes it as a crashed worker's and hands it out again */
  expireInSeconds: number;
}

/** What every handler is given, once the queue has started. */
export interface JobDeps {
  db: Db;
  config: Config;
  stripe: StripeRef;
  log: Logger;
  /** the queue itself, for handlers that enqueue more work */
  jobs: () => Jobs;
  /** set when the worker shares its process with the HTTP server (`serve`): how it yields to ingest */
  pacing?: WorkerPacing;
}

/**
 * pg-boss's retry options, set on the queue at start (`updateQueue`): a job sent without its own takes the
 * queue's. `retryDelay` is in seconds and doubles on each retry when `retryBackoff` is on; a job active for
 * `expireInSeconds` (a crashed worker's) is failed and retried.
 */
export type RetryPolicy = Required<
  Pick<QueueOptions, 'retryLimit' | 'retryDelay' | 'retryBackoff' | 'expireInSeconds'>
>;

/** How this process works a queue. */
export interface WorkPolicy {
  /** jobs handed to one call of the handler */
  batchSize?: number;
  /** how many batches this process works on at once */
  localConcurrency?: number;
  /** idle poll; a full batch fetches again at once */
  pollingIntervalSeconds?: number;
  /** cron expression when the job runs on a schedule */
  cron?: string;
}

/** A value fixed in code, or read from the configuration at start. */
export type FromConfig<T> = T | ((config: Config) => T);

export function fromConfig<T extends object>(value: FromConfig<T>, config: Config): T {
  return typeof value === 'function' ? value(config) : value;
}

/**
 * One queue and what it holds: its name, the schema of its payload (what `sendInTx` accepts, and what the
 * worker checks each job against before handling it), its retry policy and its handler. Each domain exports
 * its definitions (its `jobs.ts`); job-registry.ts lists them all.
 */
export interface JobDefinition<Q extends JobQueue = JobQueue, In = unknown, Out = In> {
  queue: Q;
  payload: z.ZodType<Out, In>;
  retry: FromConfig<RetryPolicy>;
  work?: FromConfig<WorkPolicy>;
  /**
   * a batch of payloads that passed the schema, with their jobs (`jobs[i]` carried `payloads[i]`); throwing
   * fails (and retries) the whole batch
   */
  handle(deps: JobDeps, payloads: Out[], jobs: JobMeta[]): Promise<void>;
  /** releases what the handler keeps open between jobs (connection pools), when the queue stops */
  close?(): Promise<void>;
}

export function defineJob<const Q extends JobQueue, S extends z.ZodType>(def: {
  queue: Q;
  payload: S;
  retry: FromConfig<RetryPolicy>;
  work?: FromConfig<WorkPolicy>;
  handle(deps: JobDeps, payloads: z.output<S>[], jobs: JobMeta[]): Promise<void>;
  close?(): Promise<void>;
}): JobDefinition<Q, z.input<S>, z.output<S>> {
  return def as JobDefinition<Q, z.input<S>, z.output<S>>;
}

/**
 * One kind of job on a queue several kinds share (`billing-followup`): the payload carries `kind`, and the
 * queue hands each job to its kind's handler.
 */
export interface FollowupDefinition<K extends string = string, In = unknown, Out = In> {
  kind: K;
  /** the whole payload, `kind` included */
  payload: z.ZodType<Out, In>;
  handle(deps: JobDeps, payload: Out, job: JobMeta): Promise<void>;
}

/** A follow-up's payload: `kind` and the fields of its shape, as sent (`In`) and as handled (`Out`). */
type KindIn<K extends string, Shape extends z.ZodRawShape> = { kind: K } & z.input<z.ZodObject<Shape>>;
type KindOut<K extends string, Shape extends z.ZodRawShape> = { kind: K } & z.output<z.ZodObject<Shape>>;

export function defineFollowup<const K extends string, Shape extends z.ZodRawShape>(def: {
  kind: K;
  /** the payload's fields besides `kind` */
  fields: Shape;
  handle(deps: JobDeps, payload: KindOut<K, Shape>, job: JobMeta): Promise<void>;
}): FollowupDefinition<K, KindIn<K, Shape>, KindOut<K, Shape>> {
  const payload = z.object({ ...def.fields, kind: z.literal(def.kind) });
  return {
    kind: def.kind,
    payload: payload as unknown as z.ZodType<KindOut<K, Shape>, KindIn<K, Shape>>,
    handle: def.handle,
  };
}

export type FollowupIn<F> = F extends FollowupDefinition<string, infer In, unknown> ? In : never;
type FollowupOut<F> = F extends FollowupDefinition<string, unknown, infer Out> ? Out : never;

/**
 * A queue shared by several kinds of job. Its payload is the union of theirs, told apart by `kind`: the
 * union is made of exactly the kinds listed, each with its handler, so a kind that can be sent always has
 * one (a payload of any other kind is not a type `sendInTx` takes, and the schema refuses it).
 */
export function followupQueue<const Q extends JobQueue, const F extends readonly FollowupDefinition[]>(def: {
  queue: Q;
  kinds: F;
  retry: FromConfig<RetryPolicy>;
  work?: FromConfig<WorkPolicy>;
}): JobDefinition<Q, FollowupIn<F[number]>, FollowupOut<F[number]>> {
  const byKind = new Map<string, FollowupDefinition>();
  for (const k of def.kinds) {
    if (byKind.has(k.kind)) throw new Error(`${def.queue}: two definitions of the job kind ${k.kind}`);
    byKind.set(k.kind, k);
  }
  const payload = z.discriminatedUnion(
    'kind',
    def.kinds.map((k) => k.payload) as unknown as [z.ZodObject, ...z.ZodObject[]],
  );
  return {
    queue: def.queue,
    payload: payload as unknown as z.ZodType<FollowupOut<F[number]>, FollowupIn<F[number]>>,
    retry: def.retry,
    work: def.work,
    handle: async (deps, payloads, jobs) => {
      for (const [i, p] of (payloads as { kind: string }[]).entries()) {
        // the schema let only the listed kinds through
        await byKind.get(p.kind)!.handle(deps, p, jobs[i]!);
      }
    },
  };
}
