import { randomBytes } from 'node:crypto';
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
