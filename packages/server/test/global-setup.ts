import { randomBytes } from 'node:crypto';
import pg from 'pg';

// One id per test run: every database the run creates on Postgres carries it, and teardown drops them all,
// so repeated runs leave nothing behind on the server.
export function setup(): void {
  process.env.TRIBUTARY_TEST_RUN ??= randomBytes(3).toString('hex');
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
