import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../src/db/client.ts';
import type { TestApp } from './app.ts';
import { ownerSql } from './webhooks.ts';

/**
 * A real database failure on chosen rows: a CHECK constraint added by the owner for the duration of `fn`
 * (NOT VALID, so existing rows are left alone). Rows matching `failWhen` can then be neither inserted nor
 * updated into that state; every other write goes through as usual.
 */
export async function withFailingRows<T>(
  database: TestApp['database'],
  table: string,
  failWhen: string,
  fn: () => Promise<T>,
): Promise<T> {
  const name = `test_fault_${randomBytes(4).toString('hex')}`;
  await ownerSql(database, `alter table ${table} add constraint ${name} check (not (${failWhen})) not valid`);
  try {
    return await fn();
  } finally {
    await ownerSql(database, `alter table ${table} drop constraint ${name}`);
  }
}

/** What no error response may contain: SQL, its parameters, driver or framework internals. */
export const leakPattern = /select |insert |update |params:|Failed query|pg_|violates|constraint|FST_ERR/i;

/** Runs one query on a fresh owner connection of `database` (the test's, never the server's pool). */
async function asOwner<T extends pg.QueryResultRow>(
  database: Database,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.ownerConnectionString! });
  client.on('error', () => {}); // the query below reports any failure
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}

/** `pg_terminate_backend` on every other connection to the database; returns how many were terminated. */
export async function terminateBackends(database: Database): Promise<number> {
  const [row] = await asOwner<{ n: number }>(
    database,
    `select count(*) filter (where pg_terminate_backend(pid))::int as n
       from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
  );
  return row!.n;
}

export async function backendAlive(database: Database, pid: number): Promise<boolean> {
  const [row] = await asOwner<{ alive: boolean }>(
    database,
    'select exists (select 1 from pg_stat_activity where pid = $1) as alive',
    [pid],
  );
  return row!.alive;
}
