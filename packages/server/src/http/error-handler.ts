import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import {
  CONCURRENT_CONFLICT,
  DATABASE_UNAVAILABLE,
  isConnectionError,
  isTransientConflict,
} from '../db/connection-errors.ts';
import { StripeFailure } from '../stripe/gateway.ts';
import { ApiError, type ErrorBody, type ErrorCode, errorCodes } from './errors.ts';
import { stripeFailureError } from './stripe-failures.ts';

interface Issue {
  keyword: string;
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

function paramOf(path: string, prefix: string): string | null {
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0) return null;
  const [head, ...rest] = parts;
  return prefix === 'body' || prefix === 'querystring' || prefix === 'params'
    ? `${head}${rest.map((p) => `[${p}]`).join('')}`
    : null;
}

/** The API error code a custom zod issue carries in `params.apiCode` (zod's own `params`), if any. */
function codedIssue(issue: Issue): ErrorCode | null {
  const code = (issue.params?.params as { apiCode?: unknown } | undefined)?.apiCode;
  return typeof code === 'string' && code in errorCodes ? (code as ErrorCode) : null;
}

/** Turns a schema validation failure into Stripe's wording: missing, unknown or invalid parameter. */
function valueAt(source: unknown, path: string): unknown {
  let cur = source;
  for (const part of path.split('/').filter(Boolean)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function validationToApiError(issues: Issue[], context: string, source?: unknown): ApiError {
  // a refinement naming its own error code (metadataSchema's `metadata_reserved`) answers with it
  const coded = issues.find((i) => i.keyword === 'custom' && codedIssue(i) !== null);
  if (coded) {
    const param = paramOf(coded.instancePath, context);
    return new ApiError(
      codedIssue(coded)!,
      `Invalid ${param ?? context}: ${coded.message ?? 'invalid value'}`,
      {
        param,
      },
    );
  }
  const issue = issues[0]!;
  const keys = issue.params?.keys as string[] | undefined;
  if (issue.keyword === 'unrecognized_keys' && keys?.length) {
    const base = paramOf(issue.instancePath, context);
    const name = base ? `${base}[${keys[0]}]` : keys[0]!;
    return new ApiError('parameter_unknown', `Received unknown parameter: ${name}`, { param: name });
  }
  const param = paramOf(issue.instancePath, context);
  if (context === 'body' && param === null && issue.keyword === 'invalid_type') {
    return new ApiError('body_empty', 'The request body must be a JSON object.');
  }
  if (param && valueAt(source, issue.instancePath) === undefined) {
    return new ApiError('parameter_missing', `Missing required param: ${param}.`, { param });
  }
  if (param && issue.keyword === 'invalid_type' && valueAt(source, issue.instancePath) === null) {
    // JSON clients send `null` for "no value": say what to do rather than "expected string, received null"
    return new ApiError(
      'parameter_invalid',
      `Invalid ${param}: it cannot be null here; omit ${param} to leave it unset.`,
      { param },
    );
  }
  return new ApiError(
    'parameter_invalid',
    `Invalid ${param ?? context}: ${issue.message ?? 'invalid value'}`,
    { param },
  );
}

const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'body_empty',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'parameter_invalid',
  FST_ERR_CTP_INVALID_JSON_BODY: 'body_invalid_json',
};

export function toApiError(err: FastifyError | ApiError | Error, request?: FastifyRequest): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof StripeFailure) return stripeFailureError(err);
  if (hasZodFastifySchemaValidationErrors(err)) {
    const context = (err as FastifyError).validationContext ?? 'body';
    const source =
      context === 'body' ? request?.body : context === 'querystring' ? request?.query : request?.params;
    return validationToApiError(err.validation as Issue[], context, source);
  }
  const fe = err as FastifyError;
  if (fe.code && fastifyCodes[fe.code]) {
    const code = fastifyCodes[fe.code]!;
    const messages: Partial<Record<ErrorCode, string>> = {
      unsupported_media_type: 'Send JSON bodies with Content-Type: application/json.',
      body_too_large: 'The request body is too large.',
      body_empty: 'The request body is empty; send a JSON object.',
      body_invalid_json: 'The request body is not valid JSON.',
    };
    return new ApiError(code, messages[code] ?? fe.message);
  }
  if (err instanceof SyntaxError && fe.statusCode === 400)
    return new ApiError('body_invalid_json', 'The request body is not valid JSON.');
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new ApiError(
      fe.statusCode === 413
        ? 'body_too_large'
        : fe.statusCode === 415
          ? 'unsupported_media_type'
          : 'parameter_invalid',
      fe.message,
    );
  }
  if (isConnectionError(err)) return new ApiError('service_unavailable', DATABASE_UNAVAILABLE);
  if (isTransientConflict(err))
    return new ApiError('service_unavailable', CONCURRENT_CONFLICT, { retryAfterSeconds: 1 });
  return null;
}

export function errorBody(err: ApiError, requestId: string): ErrorBody {
  return {
    error: { type: err.type, code: err.code, message: err.message, param: err.param, request_id: requestId },
  };
}

/**
 * The one way an error answer leaves the app (error handler, not-found handler, framework errors): our
 * shape, serialized here as text, so no response schema and no second serializer can fail on it and fall
 * back to Fastify's own error body (which quotes the underlying error's message — SQL and its parameters
 * included).
 */
export function sendError(reply: FastifyReply, err: ApiError, requestId: string): FastifyReply {
  if (err.retryAfterSeconds !== null) reply.header('retry-after', String(err.retryAfterSeconds));
  return reply
    .status(err.status)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(errorBody(err, requestId)));
}

export function handleError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const apiErr = toApiError(err, request);
  if (apiErr) {
    if (apiErr.status >= 500) request.log.error({ err }, 'request failed');
    return sendError(reply, apiErr, request.id);
  }
  request.log.error({ err }, 'unhandled error');
  const internal = new ApiError(
    'api_error',
    `Something went wrong on our side. Quote request id ${request.id} if it keeps happening.`,
  );
  return sendError(reply, internal, request.id);
}
