import pino from 'pino';
import pinoPretty from 'pino-pretty';
import { causeChain, describeDbError, isQueryError, safeErrorMessage } from './db/errors.ts';
import { maskSecrets } from './secrets.ts';

export type Logger = pino.Logger;

// Anything that could carry a secret or card data: headers, credentials, raw card fields.
const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["stripe-signature"]',
  'req.headers["x-csrf-token"]',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.token',
  '*.api_key',
  '*.client_secret',
  '*.card_number',
  '*.number',
  '*.cvc',
  'err.config.headers.Authorization',
];

// Digit runs of card length inside text (not JSON numbers such as timestamps) that pass the Luhn check.
const cardLike = /(?<![:\d.])\b\d(?:[ -]?\d){12,18}\b/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}
// drizzle's query errors quote the SQL and every parameter; anything that copied such a message into a log
// line loses the rest of that string (the JSON string ends at the first unescaped quote).
const failedQuery = /(Failed query)(?::|\\n|\s)(?:[^"\\]|\\.)*/g;

/** Masks card-like digit runs, known secret formats, link tokens and query parameters anywhere in a line. */
export function scrub(text: string): string {
  return maskSecrets(text)
    .replace(failedQuery, '$1 [redacted]')
    .replace(cardLike, (m) => (luhn(m.replace(/\D/g, '')) ? '[card redacted]' : m));
}

/** Route parameters holding a credential: their values never reach a log line. */
const sensitiveParam = /token|secret|code|state|password/i;

/**
 * The request's URL as logged: credential path parameters (`/auth/link/:token`) redacted, and the query's
 * values dropped (Connect's return and OAuth redirects carry tokens, codes and states there), keeping names.
 */
export function loggedUrl(req: { url: string; routeOptions?: { url?: string } }): string {
  const q = req.url.indexOf('?');
  const path = q === -1 ? req.url : req.url.slice(0, q);
  const pattern = req.routeOptions?.url?.split('/');
  const segments = path.split('/');
  const safePath = segments
    .map((seg, i) => (pattern?.[i]?.startsWith(':') && sensitiveParam.test(pattern[i]!) ? '[redacted]' : seg))
    .join('/');
  if (q === -1) return safePath;
  const names = req.url
    .slice(q + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => `${pair.split('=', 1)[0]}=…`);
  return `${safePath}?${names.join('&')}`;
}

/** Fields of an error that carry a query, its parameters or row contents (drizzle, pg, PGlite). */
const unsafeErrorFields = new Set([
  'query',
  'params',
  'parameters',
  'queryOptions',
  'detail',
  'where',
  'hint',
  'internalQuery',
  'position',
  'internalPosition',
  'cause',
  'stack',
  'message',
]);

/**
 * pino's error serializer without what database errors leak: the message and causes go through
 * safeErrorMessage, the stack keeps only its frames, and a database error adds its code, table and
 * constraint (what an operator needs) instead of the SQL and its parameters.
 */
export function serializeError(err: unknown): unknown {
  if (!(err instanceof Error) && !(err && typeof err === 'object' && 'message' in err)) return err;
  const chain = causeChain(err);
  const hasDb = describeDbError(err) !== null;
  const e = err as Error & Record<string, unknown>;
  const out: Record<string, unknown> = {
    type: e.constructor?.name ?? e.name,
    message: hasDb
      ? safeErrorMessage(err)
      : chain.map((c) => (c instanceof Error ? c.message : String(c))).join(': '),
  };
  for (const key of Object.keys(e)) {
    if (unsafeErrorFields.has(key) || (hasDb && isQueryError(e))) continue;
    const value = e[key];
    out[key] = value instanceof Error ? serializeError(value) : value;
  }
  const db = describeDbError(err);
  if (db)
    Object.assign(out, { code: db.code, table: db.table, constraint: db.constraint, column: db.column });
  const frames = (s: unknown) =>
    typeof s === 'string' ? s.split('\n').filter((l) => /^\s+at /.test(l)) : [];
  out.stack = [
    `${out.type}: ${out.message}`,
    ...frames(e.stack),
    ...chain.slice(1).map((c) => {
      const { code, name } = c as { code?: unknown; name?: unknown };
      return `caused by: ${String(name ?? 'Error')}${typeof code === 'string' ? ` (${code})` : ''}`;
    }),
  ].join('\n');
  return out;
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  routeOptions?: { url?: string };
  socket?: { remotePort?: number };
}

/** Every log line passes through `scrub` on its way out, whatever field or message it came from. */
export function createLogger(
  level: string,
  pretty = false,
  out: NodeJS.WritableStream = process.stdout,
): Logger {
  const sink = pretty ? pinoPretty({ colorize: true, destination: out as never }) : out;
  const stream = { write: (line: string) => sink.write(scrub(line)) };
  return pino(
    {
      level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      serializers: {
        err: serializeError,
        error: serializeError,
        // Fastify's request serializer, with the URL as loggedUrl makes it
        req: (req: LoggedRequest) =>
          typeof req?.url !== 'string'
            ? req
            : {
                method: req.method,
                url: loggedUrl(req),
                host: req.host,
                remoteAddress: req.ip,
                remotePort: req.socket?.remotePort,
              },
      },
    },
    stream,
  );
}
