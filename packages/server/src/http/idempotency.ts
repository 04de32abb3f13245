import { and, eq, lt, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Db, Tx } from '../db/client.ts';
import { isConnectionError } from '../db/connection-errors.ts';
import { idempotencyKeys } from '../db/schema/index.ts';
import { findUnstorable, MAX_STORED_DEPTH, storableCopy } from '../db/storable.ts';
import { withCaller, withCallerRetrying } from '../db/tenant.ts';
import { callerId } from '../scope/actor.ts';
import { maskSecrets, sha256 } from '../secrets.ts';
import { ApiError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { caller: string; key: string } | null;
    /**
     * The caller of a public route that authenticates its own credential (a recovery page's token), set by
     * that route's onRequest hook: its POSTs get the same Idempotency-Key handling as an API key's.
     */
    tokenCaller: string | null;
  }
  interface FastifyContextConfig {
    /** 'required' on money-moving POSTs: without a key a retry could not be told from a second request. */
    idempotency?: 'required';
    /**
     * Top-level response fields that carry a credential shown once (a new key's `secret`, a sign-in link's
     * `url`, a `client_secret`): stored for replay as null, and replayed as null with the
     * `Idempotent-Redacted` header naming them. Their response schema makes them nullable.
     */
    secretFields?: readonly string[];
  }
}

/** Forgets idempotency records older than `hours` (maintenance's system transaction); returns how many. */
export async function purgeIdempotencyKeys(tx: Tx, hours: number): Promise<number> {
  const rows = await tx
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, sql`now() - make_interval(hours => ${hours})`))
    .returning({ k: idempotencyKeys.key });
  return rows.length;
}

/** The header a replay carries when fields of the first answer were credentials, not kept (docs/api.md). */
export const REDACTED_HEADER = 'idempotent-redacted';

/**
 * The request's own retry identity (its caller and Idempotency-Key, hashed), or null without a key: a
 * service that spends something once (a quote) records it, so a retry of the same request may finish it.
 */
export const retryKeyOf = (request: FastifyRequest): string | null =>
  request.idempotency ? sha256(`${request.idempotency.caller}\u0000${request.idempotency.key}`) : null;

/** How long a started request holds its key before a retry may take over (a crashed process never finishes). */
const LOCK_SECONDS = 60;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

type Outcome = { kind: 'execute' } | { kind: 'replay'; status: number; body: unknown };

/**
 * `Idempotency-Key` on every POST, scoped to the calling key or user: the same key and body replays the
 * stored response; a different body is a 400 idempotency_error, as Stripe answers; a concurrent duplicate
 * gets 409 while the first runs. Responses of 5xx are not stored, so a retry with the same body runs again
 * (one with another body is still refused).
 */
export function registerIdempotency(app: FastifyInstance, db: Db, config: Config): void {
  app.decorateRequest('idempotency', null);
  app.decorateRequest('tokenCaller', null);
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' || !(request.actor || request.tokenCaller)) return;
    const header = request.headers['idempotency-key'];
    if (header === undefined) {
      if (request.routeOptions.config?.idempotency !== 'required') return;
      throw new ApiError(
        'idempotency_key_required',
        'This request moves money: send an Idempotency-Key header (a new unique value per operation, the same one when you retry it), so a retry is never done twice.',
        { param: 'Idempotency-Key' },
      );
    }
    if (
      typeof header !== 'string' ||
      header.length === 0 ||
      header.length > 255 ||
      header.includes('\u0000')
    ) {
      throw new ApiError(
        'idempotency_key_invalid',
        'Idempotency-Key must be 1 to 255 characters, none of them NUL.',
        {
          param: 'Idempotency-Key',
        },
      );
    }
    const caller = request.actor ? callerId(request.actor) : request.tokenCaller!;
    const path = request.url.split('?')[0]!;
    const requestHash = sha256(
      JSON.stringify(
        canonical({ path, tenant: request.headers['tributary-tenant'] ?? null, body: request.body ?? null }),
      ),
    );
    const outcome = await withCaller(db, caller, async (tx): Promise<Outcome> => {
      const inserted = await tx
        .insert(idempotencyKeys)
        .values({
          callerId: caller,
          key: header,
          method: request.method,
          path,
          requestHash,
          status: 'started',
          lockedUntil: sql`now() + make_interval(secs => ${LOCK_SECONDS})`,
        })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      if (inserted.length === 1) return { kind: 'execute' };
      const [row] = await tx
        .select({
          r: idempotencyKeys,
          expired: sql<boolean>`${idempotencyKeys.createdAt} < now() - make_interval(hours => ${config.IDEMPOTENCY_TTL_HOURS})`,
          locked: sql<boolean>`coalesce(${idempotencyKeys.lockedUntil} > now(), false)`,
        })
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.callerId, caller), eq(idempotencyKeys.key, header)))
        .for('update');
      if (!row) return { kind: 'execute' };
      const restart = () =>
        tx
          .update(idempotencyKeys)
          .set({
            method: request.method,
            path,
            requestHash,
            status: 'started',
            responseStatus: null,
            responseBody: null,
            createdAt: sql`now()`,
            lockedUntil: sql`now() + make_interval(secs => ${LOCK_SECONDS})`,
          })
          .where(and(eq(idempotencyKeys.callerId, caller), eq(idempotencyKeys.key, header)));
      if (row.expired) {
        await restart();
        return { kind: 'execute' };
      }
      if (row.r.requestHash !== requestHash || row.r.method !== request.method || row.r.path !== path) {
        throw new ApiError(
          'idempotency_error',
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${header}' if you meant to execute a different request.`,
        );
      }
      if (row.r.status === 'completed')
        return { kind: 'replay', status: Number(row.r.responseStatus), body: row.r.responseBody };
      if (row.locked) {
        throw new ApiError(
          'idempotency_key_in_use',
          'A request with this Idempotency-Key is still being processed; retry shortly.',
        );
      }
      await restart();
      return { kind: 'execute' };
    });
    if (outcome.kind === 'replay') {
      reply.header('idempotent-replayed', 'true');
      const redacted = request.routeOptions.config?.secretFields;
      if (redacted?.length && outcome.status < 300) reply.header(REDACTED_HEADER, redacted.join(', '));
      return reply.status(outcome.status).send(outcome.body);
    }
    request.idempotency = { caller, key: header };
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const idem = request.idempotency;
    if (!idem) return payload;
    request.idempotency = null;
    // The answer goes out whatever happens here: failing to record it must neither replace it with an
    // error (whose text would be the failed query's) nor leave the key locked for LOCK_SECONDS.
    try {
      await recordOutcome(db, idem, reply.statusCode, payload, request.routeOptions.config?.secretFields);
    } catch (err) {
      const log = isConnectionError(err)
        ? request.log.warn.bind(request.log)
        : request.log.error.bind(request.log);
      log({ err }, 'idempotency: the response could not be stored; releasing the key');
      try {
        await releaseKey(db, idem, reply.statusCode);
      } catch (releaseErr) {
        request.log.error({ err: releaseErr }, 'idempotency: the key stays locked until its lock expires');
      }
    }
    return payload;
  });
}

const keyOf = (idem: { caller: string; key: string }) =>
  and(eq(idempotencyKeys.callerId, idem.caller), eq(idempotencyKeys.key, idem.key));

/**
 * Not stored, so a retry runs again — but the key stays bound to this request: a retry with another body is
 * refused, as a money-moving row of the first try may be reused by it.
 */
function releaseKey(db: Db, idem: { caller: string; key: string }, status: number): Promise<void> {
  // on a fresh connection when this request's was just lost: else retries get 409 until the lock ends
  return withCallerRetrying(db, idem.caller, async (tx) => {
    await tx
      .update(idempotencyKeys)
      .set({ status: 'failed', responseStatus: String(status), lockedUntil: null })
      .where(keyOf(idem));
  });
}

/**
 * What is kept of an answer for replay: never a credential. The route's declared secret
 * fields become null; any other string holding a credential of a known shape is masked (a safety net for a
 * route that forgot to declare one).
 */
export function storedForReplay(body: unknown, secretFields: readonly string[] = []): unknown {
  const masked = (value: unknown): unknown => {
    if (typeof value === 'string') return maskSecrets(value);
    if (Array.isArray(value)) return value.map(masked);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v)]));
    return value;
  };
  if (!body || typeof body !== 'object' || Array.isArray(body)) return masked(body);
  const out = masked(body) as Record<string, unknown>;
  for (const field of secretFields) if (field in out) out[field] = null;
  return out;
}

/** Stores the response for replay; responses of 5xx are not stored (see releaseKey). */
async function recordOutcome(
  db: Db,
  idem: { caller: string; key: string },
  status: number,
  payload: unknown,
  secretFields: readonly string[] | undefined,
): Promise<void> {
  if (status >= 500) return releaseKey(db, idem, status);
  let body: unknown = null;
  try {
    body = typeof payload === 'string' ? JSON.parse(payload) : null;
  } catch {
    body = payload;
  }
  body = storedForReplay(body, secretFields);
  // a response may quote what Stripe holds, NUL included: stored as jsonb can hold it
  if (findUnstorable(body, MAX_STORED_DEPTH)) body = storableCopy(body);
  await withCallerRetrying(db, idem.caller, async (tx) => {
    await tx
      .update(idempotencyKeys)
      .set({ status: 'completed', responseStatus: String(status), responseBody: body, lockedUntil: null })
      .where(keyOf(idem));
  });
}
