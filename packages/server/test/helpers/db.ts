import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';

/** Which database the suite runs on: `DATABASE_URL` set → that Postgres server, else PGlite in memory. */
export const onPostgres = Boolean(process.env.DATABASE_URL);

const shared = globalThis as typeof globalThis & { __tributaryTestDb?: Promise<Database> };

/**
 * One migrated database per test worker (PGlite costs ~3 s and ~0.9 GB to start): test files share it and
 * isolate themselves with fresh tenants. On Postgres each worker gets a fresh database of its own.
 */
export function testDatabase(): Promise<Database> {
  shared.__tributaryTestDb ??= createDatabase();
  return shared.__tributaryTestDb;
}

const migratedPglite = globalThis as typeof globalThis & { __tributaryMigratedPglite?: Promise<Blob> };

/**
 * A brand-new migrated database, with no tenants (for tests that need one of their own). Caller closes it.
 * Copied from one migrated once per run (Postgres: the template `global-setup.ts` makes; PGlite: a dump
 * per worker), since migrating each costs seconds.
 */
export async function createDatabase(): Promise<Database> {
  let database: Database;
  if (onPostgres) {
    const url = await createPostgresDatabase(process.env.TRIBUTARY_TEST_TEMPLATE);
    database = await openDatabase({ kind: 'pg', url, poolSize: 12 });
    if (!process.env.TRIBUTARY_TEST_TEMPLATE) await migrateDatabase(database);
  } else {
    migratedPglite.__tributaryMigratedPglite ??= dumpMigratedPglite();
    const seed = await migratedPglite.__tributaryMigratedPglite;
    database = await openDatabase({ kind: 'pglite', dataDir: 'memory://', seed });
  }
  await database.dropToAppRole();
  return database;
}

async function dumpMigratedPglite(): Promise<Blob> {
  const database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  try {
    await migrateDatabase(database);
    return await database.pglite!.dumpDataDir('none');
  } finally {
    await database.close();
  }
}

/** A new database on the Postgres server, empty or copied from `template`. */
export async function createPostgresDatabase(template?: string): Promise<string> {
  const base = new URL(process.env.DATABASE_URL!);
  const run = process.env.TRIBUTARY_TEST_RUN ?? 'adhoc';
  const name =
    `${base.pathname.slice(1) || 'tributary'}_${run}_${process.pid}_${randomBytes(3).toString('hex')}`.replace(
      /[^a-z0-9_]/gi,
      '_',
    );
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
  } finally {
    await admin.end();
  }
  base.pathname = `/${name}`;
  return base.toString();
}
