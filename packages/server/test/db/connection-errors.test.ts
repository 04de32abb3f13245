import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { isConnectionError, retryOnConnectionLoss } from '../../src/db/connection-errors.ts';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isConnectionError', () => {
  it('knows a lost or refused connection, however it is wrapped', () => {
    for (const err of [
      pgError('57P01', 'terminating connection due to administrator command'),
      pgError('57P02'),
      pgError('57P03', 'the database system is starting up'),
      pgError('53300', 'sorry, too many clients already'),
      pgError('08006'),
      pgError('28P01', 'password authentication failed for user "tributary_server"'),
      pgError('3D000', 'database "gone" does not exist'),
      pgError('55000', 'database "tributary" is not currently accepting connections'),
      pgError('ECONNRESET'),
      pgError('ECONNREFUSED'),
      new AggregateError([pgError('ECONNREFUSED'), pgError('ECONNREFUSED')]),
      new Error('Connection terminated unexpectedly'),
      new Error('Connection terminated due to connection timeout'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Client has encountered a connection error and is not queryable'),
      new DrizzleQueryError(
        'rollback',
        [],
        new Error('Client has encountered a connection error and is not queryable'),
      ),
      new Error('The event could not be stored', { cause: pgError('57P01') }),
    ]) {
      expect(isConnectionError(err), String(err)).toBe(true);
    }
  });

  it('leaves statement failures alone', () => {
    for (const err of [
      pgError('23505', 'duplicate key value violates unique constraint'),
      pgError('42501', 'permission denied for table tenants'),
      pgError('22P05', 'unsupported Unicode escape sequence'),
      pgError('55000', 'currval of sequence "s" is not yet defined in this session'),
      new DrizzleQueryError('select 1', [], pgError('40001')),
      new Error('Connection to Stripe failed'),
      'a string',
      null,
    ]) {
      expect(isConnectionError(err), String(err)).toBe(false);
    }
  });
});

describe('retryOnConnectionLoss', () => {
  it('tries again only after a lost connection, at most `attempts` times', async () => {
    let calls = 0;
    await expect(
      retryOnConnectionLoss(async () => {
        if (++calls < 3) throw pgError('57P01');
        return 'done';
      }),
    ).resolves.toBe('done');
    expect(calls).toBe(3);
    calls = 0;
    const unique = pgError('23505');
    await expect(
      retryOnConnectionLoss(async () => {
        calls++;
        throw unique;
      }),
    ).rejects.toBe(unique);
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      retryOnConnectionLoss(async () => {
        calls++;
        throw pgError('ECONNREFUSED');
      }, 2),
    ).rejects.toThrow();
    expect(calls).toBe(2);
  });
});
