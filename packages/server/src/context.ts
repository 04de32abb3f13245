import type { FastifyBaseLogger } from 'fastify';
import type { Actor } from './auth/actor.ts';
import type { Config } from './config.ts';
import type { Db } from './db/client.ts';

/** What every service call receives: no HTTP types, so the same services serve the API, the CLI and jobs. */
export interface Ctx {
  db: Db;
  config: Config;
  actor: Actor;
  requestId: string;
  log: FastifyBaseLogger;
}
