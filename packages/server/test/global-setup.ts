import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { createPostgresDatabase } from './helpers/db.ts';

// One id per test run: every database the run creates on Postgres carries it, and teardown drops them all,
// so repeated runs leave nothing behind on the server. On Postgres the run migrates one database, the
// template every test database is copied from (helpers/db.ts).
export async function setup(): Promise<void> {
  process.env.TRIBUTARY_TEST_RUN ??= randomBytes(3).toString('hex');
  if (!process.env.DATABASE_URL) return;
  const url = await createPostgresDatabase();
  const database = await openDatabase({ kind: 'pg', url, poolSize: 1 });
  try {
    await migrateDatabase(database);
  } finally {
    await database.close();
  }
  process.env.TRIBUTARY_TEST_TEMPLATE = decodeURIComponent(new URL(url).pathname.slice(1));
}

export async function teardown(): Promise<void> {
  const url = process.env.DATABASE_URL;
  const run = process.env.TRIBUTARY_TEST_RUN;
  if (!url || !run) return;
  const base = new URL(url);
  const prefix = `${base.pathname.slice(1) || 'tributary'}_${run}_`.replace(/[^a-z0-9_]/gi, '_');
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      'select datname from pg_database where starts_with(datname, $1)',
      [prefix],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
