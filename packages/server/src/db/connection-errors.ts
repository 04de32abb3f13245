// SQLSTATEs meaning the connection, not the statement, failed: the server shut the backend down (57P01
// admin_shutdown, e.g. pg_terminate_backend; 57P02 crash_shutdown), is starting or stopping (57P03
// cannot_connect_now), has no slot left (53300 too_many_connections), refuses the login (class 28, or
// 3D000 no such database), or any of class 08 (connection exception).
const sqlStates = new Set(['57P01', '57P02', '57P03', '53300', '3D000']);
const sqlClasses = ['08', '28'];
// Socket-level failures of the driver (Node's error codes).
const socketCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// pg and pg-pool report a lost or unobtainable connection with plain Errors and no code.
const driverMessages = [
  /^Connection terminated/, // "… unexpectedly", "… due to connection timeout"
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
  /^Cannot use a pool after calling end on the pool$/,
  /^database ".*" is not currently accepting connections$/, // 55000, ALLOW_CONNECTIONS false
];

function isConnectionFailure(err: object): boolean {
  const code = (err as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    (sqlStates.has(code) || sqlClasses.includes(code.slice(0, 2)) || socketCodes.has(code))
  )
    return true;
  const message = (err as { message?: unknown }).message;
  return typeof message === 'string' && driverMessages.some((m) => m.test(message));
}

/** Whether `err`, anything in its `cause` chain or an AggregateError's members, matches `test`. */
function anyInChain(err: unknown, test: (e: object) => boolean): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [err];
  while (pending.length > 0) {
    const e = pending.pop();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    if (test(e)) return true;
    pending.push((e as { cause?: unknown }).cause);
    if (e instanceof AggregateError) pending.push(...e.errors);
  }
  return false;
}

/**
 * Whether `err` (or anything in its `cause` chain, e.g. under Drizzle's "Failed query" wrapper, or an
 * AggregateError's members) is the database connection failing rather than a statement: the request
 * can succeed on retry once the database is back, so it answers 503, never 500.
 */
export function isConnectionError(err: unknown): boolean {
  return anyInChain(err, isConnectionFailure);
}

// 40P01 deadlock_detected, 40001 serialization_failure, 55P03 lock_not_available (lock_timeout)
const conflictStates = new Set(['40P01', '40001', '55P03']);

/**
 * Whether `err` is Postgres giving up a transaction that met concurrent work on the same rows (a deadlock's
 * victim, a serialization failure, a lock wait past lock_timeout): rolled back whole, and a retry can succeed.
 */
export function isTransientConflict(err: unknown): boolean {
  return anyInChain(err, (e) => {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' && conflictStates.has(code);
  });
}

/** What a caller is told of a transient conflict. */
export const CONCURRENT_CONFLICT =
  'The request met concurrent work on the same records and did not finish; retry it. Retry a POST with the same Idempotency-Key: it is done only once.';

/** What a caller is told instead (never the driver's text). */
export const DATABASE_UNAVAILABLE =
  'The database is unavailable; retry shortly. Retry a POST with the same Idempotency-Key: it is done only once.';

/**
 * Runs `fn` again, on a fresh connection, when it failed only because its connection was lost (the pool
 * may hand out an idle connection whose termination has not been noticed yet). Only for work that is safe
 * to repeat whether or not the lost try committed.
 */
export async function retryOnConnectionLoss<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || !isConnectionError(err)) throw err;
    }
  }
}
