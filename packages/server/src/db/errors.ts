/**
 * Database errors as they may be shown: logged, or kept as an event's last error. drizzle's query error
 * carries the SQL and every parameter in its message (`Failed query: … params: …`) and as fields; the
 * driver's error carries row contents in `detail` ("Failing row contains (…)") and values in some messages
 * (`invalid input syntax for type uuid: "…"`). What remains: the SQLSTATE code, the table, constraint and
 * column, the statement's kind and table, and the driver's message without quoted values.
 */

export interface DbErrorSummary {
  /** SQLSTATE, e.g. 23505 */
  code: string | null;
  table: string | null;
  constraint: string | null;
  column: string | null;
  /** `insert into customers`: the statement's verb and table, never its text */
  statement: string | null;
  message: string;
}

interface DriverError {
  code: string;
  message: string;
  table?: string;
  constraint?: string;
  column?: string;
}

interface QueryError {
  query: string;
  params: unknown;
}

/** The error and its causes, outermost first (a cycle or a very long chain is cut). */
export function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  let cur = err;
  while (cur && typeof cur === 'object' && chain.length < 8 && !chain.includes(cur)) {
    chain.push(cur);
    cur = (cur as { cause?: unknown }).cause;
  }
  return chain;
}

const isDriverError = (e: unknown): e is DriverError =>
  !!e &&
  typeof e === 'object' &&
  typeof (e as DriverError).code === 'string' &&
  /^[0-9A-Z]{5}$/.test((e as DriverError).code) &&
  'severity' in e;

export const isQueryError = (e: unknown): e is QueryError =>
  !!e && typeof e === 'object' && typeof (e as QueryError).query === 'string' && 'params' in e;

/** `insert into "customers" (…) values …` → `insert into customers`. */
export function statementOf(query: string): string | null {
  const m =
    /^\s*(insert\s+into|update|delete\s+from)\s+("?[\w.]+"?)/i.exec(query) ??
    /^\s*(select)\b[\s\S]*?\bfrom\s+("?[\w.]+"?)/i.exec(query);
  if (!m) return query.trim().split(/\s+/, 1)[0]?.toLowerCase() ?? null;
  const verb = m[1]!.toLowerCase().replace(/\s+/g, ' ');
  return `${verb === 'select' ? 'select from' : verb} ${m[2]!.replaceAll('"', '')}`;
}

/** The driver's message with quoted values removed (identifiers in `relation "x"` stay). */
export function withoutValues(message: string): string {
  return message.replace(/(:\s*|\bvalue\s+)"(?:[^"\\]|\\.)*"/g, '$1"…"').split('\n', 1)[0]!;
}

/** The safe parts of a database error anywhere in `err`'s cause chain; null when there is none. */
export function describeDbError(err: unknown): DbErrorSummary | null {
  const chain = causeChain(err);
  const query = chain.find(isQueryError);
  const driver = chain.find(isDriverError);
  if (!query && !driver) return null;
  const statement = query ? statementOf(query.query) : null;
  const message = driver
    ? withoutValues(driver.message)
    : `query failed${statement ? ` (${statement})` : ''}`;
  return {
    code: driver?.code ?? null,
    table: driver?.table ?? (statement?.split(' ').pop() || null),
    constraint: driver?.constraint ?? null,
    column: driver?.column ?? null,
    statement,
    message,
  };
}

/** One line to keep or show about `err`: a database error's safe summary, otherwise its message. */
export function safeErrorMessage(err: unknown): string {
  const db = describeDbError(err);
  if (db) {
    const where = [db.statement, db.constraint && `constraint ${db.constraint}`].filter(Boolean).join(', ');
    return `database error${db.code ? ` ${db.code}` : ''}: ${db.message}${where ? ` (${where})` : ''}`;
  }
  return err instanceof Error ? err.message : String(err);
}
