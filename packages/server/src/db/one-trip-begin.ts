import { sql } from 'drizzle-orm';
import { NodePgSession, NodePgTransaction } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Db, Tx } from './client.ts';

/**
 * A transaction on a Postgres pool whose BEGIN and first statement (`setup`, a few `set_config`s) travel in
 * one simple-query message: one round trip where drizzle's transaction takes two. Null when `db` is not
 * drizzle over a pg Pool (PGlite, a single client): the caller falls back to `db.transaction`.
 * `setup` holds literals only; build them with `literal`.
 */
export function poolTransaction<T>(db: Db, setup: string, fn: (tx: Tx) => Promise<T>): Promise<T> | null {
  const session = (db as unknown as { session?: unknown }).session;
  if (!(session instanceof NodePgSession)) return null;
  const inner = session as unknown as {
    client: unknown;
    dialect: ConstructorParameters<typeof NodePgTransaction>[0];
    schema: ConstructorParameters<typeof NodePgTransaction>[2];
    options: ConstructorParameters<typeof NodePgSession>[3];
  };
  if (!(inner.client instanceof pg.Pool)) return null;
  const pool = inner.client;
  return (async () => {
    const client = await pool.connect();
    // a connection whose transaction could not be opened or rolled back is discarded, never reused
    let broken: Error | undefined;
    try {
      const own = new NodePgSession(client, inner.dialect, inner.schema, inner.options);
      const tx = new NodePgTransaction(inner.dialect, own, inner.schema) as unknown as Tx;
      try {
        await client.query(`begin; ${setup}`);
      } catch (err) {
        broken = err as Error;
        throw err;
      }
      try {
        const result = await fn(tx);
        await tx.execute(sql`commit`);
        return result;
      } catch (err) {
        await tx.execute(sql`rollback`).catch((e: Error) => {
          broken = e;
        });
        throw err;
      }
    } finally {
      client.release(broken);
    }
  })();
}

/** A SQL string literal (standard_conforming_strings, as Postgres has had on by default since 9.1). */
export const literal = (value: string): string => pg.escapeLiteral(value);
