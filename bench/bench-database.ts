// A database for one benchmark: PGlite in memory, or a fresh Postgres database under DATABASE_URL that
// `drop` removes afterwards.
import pg from 'pg';
import { openDatabase } from '../packages/server/src/db/client.ts';

export async function openBenchDatabase(prefix: string) {
  if (!process.env.DATABASE_URL)
    return {
      db: await openDatabase({ kind: 'pglite', dataDir: 'memory://' }),
      label: 'PGlite (in memory)',
      drop: async () => {},
    };
  const base = new URL(process.env.DATABASE_URL);
  const name = `${prefix}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const drop = async () => {
    const c = new pg.Client({ connectionString: base.toString() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  };
  return {
    db: await openDatabase({ kind: 'pg', url: url.toString(), poolSize: 20 }),
    label: `Postgres (${base.host})`,
    drop,
  };
}
