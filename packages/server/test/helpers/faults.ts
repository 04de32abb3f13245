import pg from 'pg';
import type { Database } from '../../src/db/client.ts';

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
