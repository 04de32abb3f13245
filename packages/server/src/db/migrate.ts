import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { ensureJobSchema } from '../jobs/boss.ts';
import { createLogger, type Logger } from '../logger.ts';
import { type Database, queryRows } from './client.ts';
import { grantSql, loginRoleSql, roleSetupSql } from './roles.ts';
import { scramSha256Verifier } from './scram.ts';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
const MIGRATION_LOCK = 727_101;

/** Number of committed migrations shipped with this build (for /readyz). */
export function shippedMigrationCount(): number {
  return readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql')).length;
}

async function retrying(fn: () => Promise<void>, attempts = 8): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      // 'tuple concurrently updated' (XX000) and friends when two databases create the same role at once
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 20 * i + Math.random() * 50));
    }
  }
}

/**
 * Creates the roles, applies every pending migration under an advisory lock, installs pg-boss's schema
 * and re-applies grants. Idempotent; a failure throws and must stop start-up.
 */
export async function migrateDatabase(database: Database, log: Logger = createLogger('warn')): Promise<void> {
  const login = database.login ? loginRoleSql(database.login, scramSha256Verifier) : [];
  for (const stmt of [...roleSetupSql(), ...login]) await retrying(() => database.ownerExec(stmt));
  const owner = await database.ownerDb();
  try {
    await owner.db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      if (database.kind === 'pg') {
        await migratePg(owner.db as unknown as NodePgDatabase, { migrationsFolder });
      } else {
        await migratePglite(owner.db as unknown as PgliteDatabase, { migrationsFolder });
      }
      await ensureJobSchema(database, log);
      await database.ownerExec(grantSql('pgboss'));
    } finally {
      await owner.db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
  } finally {
    await owner.release();
  }
}

/** How many migrations the database has applied (read as the app role). */
export async function appliedMigrationCount(database: Database): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    database.db,
    sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
  );
  return Number(rows[0]?.n ?? 0);
}
