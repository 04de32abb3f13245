import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectionError, isTransientConflict } from '../../src/db/connection-errors.ts';
import { toApiError } from '../../src/http/error-handler.ts';
import { createPostgresDatabase, onPostgres } from '../helpers/db.ts';

/**
 * A transaction Postgres gives up because it met concurrent work (a deadlock's victim) was undone whole and
 * can be retried: a request meeting one answers 503 with Retry-After, never a 500 quoting nothing useful.
 */
describe.skipIf(!onPostgres)('a transaction undone by a deadlock', () => {
  let url: string;
  const clients: pg.Client[] = [];
  beforeAll(async () => {
    url = await createPostgresDatabase();
    for (let i = 0; i < 2; i++) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      clients.push(c);
    }
    await clients[0]!.query(
      'create table probe (id int primary key, n int); insert into probe values (1, 0), (2, 0)',
    );
  });
  afterAll(async () => {
    for (const c of clients) await c.end();
  });

  async function deadlockVictim(): Promise<unknown> {
    const [a, b] = clients as [pg.Client, pg.Client];
    await a.query('begin');
    await b.query('begin');
    await a.query('update probe set n = n + 1 where id = 1');
    await b.query('update probe set n = n + 1 where id = 2');
    // each now waits on the other's row: Postgres picks one to fail
    const outcomes = await Promise.allSettled([
      a.query('update probe set n = n + 1 where id = 2'),
      b.query('update probe set n = n + 1 where id = 1'),
    ]);
    await a.query('rollback');
    await b.query('rollback');
    const failed = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    return failed.reason;
  }

  it('is a 503 service_unavailable with Retry-After, not a connection failure', async () => {
    const err = await deadlockVictim();
    expect((err as { code?: string }).code).toBe('40P01');
    expect(isTransientConflict(new Error('Failed query', { cause: err }))).toBe(true);
    expect(isConnectionError(err)).toBe(false);
    const answer = toApiError(new Error('Failed query', { cause: err }));
    expect(answer).toMatchObject({ status: 503, code: 'service_unavailable', retryAfterSeconds: 1 });
    expect(answer!.message).not.toMatch(/deadlock|probe|update/i);
  });
});
