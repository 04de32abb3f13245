// A database for one benchmark: PGlite in memory, or a fresh Postgres database under DATABASE_URL that
// `drop` removes afterwards.
import pg from 'pg';
import { loadConfig } from '../packages/server/src/config.ts';
import type { Ctx } from '../packages/server/src/context.ts';
import { openDatabase } from '../packages/server/src/db/client.ts';
import { migrateDatabase } from '../packages/server/src/db/migrate.ts';
import { createLogger } from '../packages/server/src/logger.ts';
import { serve } from '../packages/server/src/runtime.ts';

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

/** The benchmark's database, migrated, and a server on it (API only: no worker, no sandbox), with a system ctx. */
export async function startBenchServer(prefix: string) {
  const { db: database, label, drop } = await openBenchDatabase(prefix);
  await migrateDatabase(database);
  await database.dropToAppRole();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0' });
  const running = await serve(config, { database, work: false, sandbox: false, log: createLogger('silent') });
  const ctx: Ctx = {
    db: database.db,
    config,
    actor: { kind: 'system', label: 'bench' },
    requestId: 'bench',
    log: createLogger('silent'),
  };
  return { database, label, drop, running, ctx };
}
