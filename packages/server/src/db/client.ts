import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { createLogger, type Logger } from '../logger.ts';
import { APP_ROLE, LOGIN_ROLE, type LoginRole } from './roles.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

/**
 * How the server's pool and pg-boss log in on Postgres (never as the owner of `url`): as the role
 * `tributary migrate` creates and manages (LOGIN_ROLE, on the owner URL's host and database, with
 * `password` or none under trust/peer authentication), or with the operator's own URL.
 */
export type AppLogin = { kind: 'managed'; password: string | null } | { kind: 'url'; url: string };

export type DatabaseTarget =
  /** `seed`: a data directory dumped by `PGlite.dumpDataDir`, loaded instead of an empty one (tests' migrated copy). */
  | { kind: 'pglite'; dataDir: string; seed?: Blob }
  | { kind: 'pg'; url: string; login?: AppLogin; poolSize?: number };

/** One opened database: `db` runs as tributary_app; `owner` is only for migrations and role setup. */
export interface Database {
  kind: 'pglite' | 'pg';
  /** The role the pool logs in as on Postgres; null on PGlite (one embedded user). */
  login: LoginRole | null;
  db: Db;
  /** The PGlite instance in embedded mode (pg-boss needs it); null on pg. */
  pglite: PGlite | null;
  /** A pg connection string carrying the app role, for pg-boss's own pool; null on PGlite. */
  appConnectionString: string | null;
  /** The owner's connection string (migrations only); null on PGlite. */
  ownerConnectionString: string | null;
  /** Runs raw SQL as the owner (migrations, role setup). */
  ownerExec(sqlText: string): Promise<void>;
  ownerDb(): Promise<{ db: Db; release(): Promise<void> }>;
  /** Switches the PGlite session to the app role once migrations are done (pg connections start in it). */
  dropToAppRole(): Promise<void>;
  close(): Promise<void>;
}

/** The app's connection string: the login role's credentials on the owner URL's host and database. */
export function loginUrl(ownerUrl: string, login: AppLogin): { url: string; role: LoginRole } {
  if (login.kind === 'url') {
    const name = decodeURIComponent(new URL(login.url).username);
    return { url: login.url, role: { name, managed: false, password: null } };
  }
  const u = new URL(ownerUrl);
  u.username = LOGIN_ROLE;
  u.password = login.password ? encodeURIComponent(login.password) : '';
  return { url: u.toString(), role: { name: LOGIN_ROLE, managed: true, password: login.password } };
}

export function withRoleOption(url: string, role: string): string {
  const u = new URL(url);
  const existing = u.searchParams.get('options');
  u.searchParams.set('options', `${existing ? `${existing} ` : ''}-c role=${role}`);
  return u.toString();
}

/** `log` hears about connections lost outside any query (pg reports those only as 'error' events). */
export async function openDatabase(
  target: DatabaseTarget,
  log: Logger = createLogger('warn'),
): Promise<Database> {
  if (target.kind === 'pglite') return openPglite(target.dataDir, target.seed);
  return openPg(target.url, target.login ?? { kind: 'managed', password: null }, target.poolSize ?? 10, log);
}

/**
 * A pg client emits 'error' when its connection dies (terminated backend, server restart, network), and
 * an 'error' event nobody listens to ends the process. pg-pool listens only while a client is idle: while
 * one is checked out (a transaction between two statements) nothing would. So every client gets a
 * listener of its own for its whole life. The statement that was running, if any, rejects with the same
 * error, and the pool discards the dead client on release, so logging is all that is left to do.
 */
function onConnectionError(log: Logger, connection: string) {
  return (err: Error) =>
    log.warn(
      { err: { message: err.message, code: (err as { code?: string }).code }, connection },
      'database connection lost',
    );
}

async function openPglite(dataDir: string, seed?: Blob): Promise<Database> {
  if (dataDir !== 'memory://') mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite(dataDir, seed ? { loadDataDir: seed } : {});
  await pglite.waitReady;
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return {
    kind: 'pglite',
    login: null,
    db,
    pglite,
    appConnectionString: null,
    ownerConnectionString: null,
    ownerExec: async (text) => {
      await pglite.exec(text);
    },
    ownerDb: async () => ({ db, release: async () => {} }),
    dropToAppRole: async () => {
      await pglite.exec(`SET ROLE ${APP_ROLE}`);
    },
    close: () => pglite.close(),
  };
}

async function openPg(url: string, appLogin: AppLogin, poolSize: number, log: Logger): Promise<Database> {
  const login = loginUrl(url, appLogin);
  const appUrl = withRoleOption(login.url, APP_ROLE);
  const pool = new pg.Pool({ connectionString: appUrl, max: poolSize });
  const lost = onConnectionError(log, 'pool');
  pool.on('connect', (client) => client.on('error', lost));
  // pg-pool re-emits an idle client's error here too (after the client's own listener has logged it)
  pool.on('error', () => {});
  const ownerClient = async () => {
    const client = new pg.Client({ connectionString: url });
    client.on('error', onConnectionError(log, 'owner'));
    await client.connect();
    return client;
  };
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    kind: 'pg',
    login: login.role,
    db,
    pglite: null,
    appConnectionString: appUrl,
    ownerConnectionString: url,
    ownerExec: async (text) => {
      const client = await ownerClient();
      try {
        await client.query(text);
      } finally {
        await client.end();
      }
    },
    ownerDb: async () => {
      const client = await ownerClient();
      return { db: drizzlePg(client, { schema }) as unknown as Db, release: () => client.end() };
    },
    dropToAppRole: async () => {},
    close: () => pool.end(),
  };
}

/** Runs raw SQL and returns its rows (both drivers answer `{ rows }`). */
export async function queryRows<T>(db: Db | Tx, query: SQL): Promise<T[]> {
  const res = (await db.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}
