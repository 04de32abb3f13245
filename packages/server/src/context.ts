import type { FastifyBaseLogger } from 'fastify';
import type { Actor } from './auth/service.ts';
import type { Config } from './config.ts';
import type { Db } from './db/client.ts';

/** What every service call receives: no HTTP types, so the same services serve the API, the CLI and jobs. */
export interface Ctx {
  db: Db;
  config: Config;
  actor: Actor;
  requestId: string;
  log: FastifyBaseLogger;
  /**
   * The request's Idempotency-Key, scoped to its caller. Money-moving services store it on the row they
   * create: a retry (the first try answered 5xx, so the key was not kept) reuses that row and so its
   * Stripe idempotency key, and Stripe does the work once.
   */
  requestKey?: string;
}
