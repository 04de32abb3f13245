import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findUnstorable, type Unstorable } from '../db/storable.ts';
import { ApiError } from './errors.ts';

/**
 * How deep a request body may nest. The API's own bodies go four levels deep at most (invoice lines,
 * dispute evidence); the limit only stops bodies that exist to make something recurse (a body
 * 5,000 deep overflowed the stack of the idempotency hash).
 */
export const MAX_BODY_DEPTH = 32;

/** `lines[0][description]`: the error handler's way of naming a field, so clients see one style. */
function paramName(path: (string | number)[]): string | null {
  if (path.length === 0) return null;
  const [head, ...rest] = path;
  return `${head}${rest.map((p) => `[${p}]`).join('')}`;
}

const characterMessage = {
  nul: 'contains a NUL character (\\u0000), which cannot be stored',
  surrogate: 'contains an unpaired UTF-16 surrogate, which is not valid Unicode text',
} as const;

function refusal(part: 'body' | 'querystring' | 'params', found: Unstorable): ApiError {
  const param = paramName(found.path);
  if (found.reason === 'depth') {
    return new ApiError('body_too_deep', `The request body nests deeper than ${MAX_BODY_DEPTH} levels.`, {
      param,
    });
  }
  // a path that cannot name anything names nothing: 404, like every other malformed id
  if (part === 'params') {
    return new ApiError('resource_missing', `No such object: the path ${characterMessage[found.reason]}.`, {
      param,
    });
  }
  const what = param ?? (part === 'body' ? 'body' : 'query');
  return new ApiError('parameter_invalid_character', `Invalid ${what}: ${characterMessage[found.reason]}.`, {
    param,
  });
}

/** Checks one parsed part of the request; never recurses, so a body of any depth is safe to look at. */
export function checkStorable(request: Pick<FastifyRequest, 'body' | 'query' | 'params'>): void {
  const parts = [
    ['params', request.params, 2],
    ['querystring', request.query, 2],
    ['body', request.body, MAX_BODY_DEPTH],
  ] as const;
  for (const [part, value, depth] of parts) {
    // raw bodies (the Stripe webhook routes) are bytes, checked and stored by their own route
    if (value === undefined || value === null || Buffer.isBuffer(value)) continue;
    const found = findUnstorable(value, depth);
    if (found) throw refusal(part, found);
  }
}

/**
 * One check for every route's body, query and path, before schema validation and anything else that walks
 * the body (zod, the idempotency hash, handlers): characters Postgres cannot store are a 400 naming the
 * field, never a driver error; nesting past MAX_BODY_DEPTH is a 400. Registered after authentication, so a
 * caller learns nothing about the input before it is known.
 */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    checkStorable(request);
  });
}
