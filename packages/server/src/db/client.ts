import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { APP_ROLE } from './roles.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export type DatabaseTarget =
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'pg'; url: string; poolSize?: number };

/** One opened database: `db` runs as tributary_app; `owner` is only for migrations and role setup. */
export interface Database {
  kind: 'pglite' | 'pg';
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

export function withRoleOption(url: string, role: string): string {
  const u = new URL(url);
  const existing = u.searchParams.get('options');
  u.searchParams.set('options', `${existing ? `${existing} ` : ''}-c role=${role}`);
  return u.toString();
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'pglite') return openPglite(target.dataDir);
  return openPg(target.url, target.poolSize ?? 10);
}

async function openPglite(dataDir: string): Promise<Database> {
  if (dataDir !== 'memory://') mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite(dataDir);
  await pglite.waitReady;
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return {
    kind: 'pglite',
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

async function openPg(url: string, poolSize: number): Promise<Database> {
  const appUrl = withRoleOption(url, APP_ROLE);
  const pool = new pg.Pool({ connectionString: appUrl, max: poolSize });
  pool.on('error', () => {}); // idle client errors surface on the next query; keep the process alive
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    kind: 'pg',
    db,
    pglite: null,
    appConnectionString: appUrl,
    ownerConnectionString: url,
    ownerExec: async (text) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(text);
      } finally {
        await client.end();
      }
    },
    ownerDb: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
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
