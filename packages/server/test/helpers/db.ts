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

/** A brand-new database (for tests that need an empty one). Caller closes it. */
export async function createDatabase(): Promise<Database> {
  let database: Database;
  if (onPostgres) {
    const url = await createPostgresDatabase();
    database = await openDatabase({ kind: 'pg', url, poolSize: 12 });
  } else {
    database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  }
  await migrateDatabase(database);
  await database.dropToAppRole();
  return database;
}

export async function createPostgresDatabase(): Promise<string> {
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
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  base.pathname = `/${name}`;
  return base.toString();
}
