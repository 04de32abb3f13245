import { actionKey, settleAction } from './action-keys';
import type { ApiErrorBody, ListParams } from './types';

/** Thrown for every non-2xx answer; carries the API's error body. */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly param: string | null;
  readonly requestId: string | null;

  constructor(status: number, body: ApiErrorBody['error']) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.type = body.type;
    this.code = body.code;
    this.param = body.param ?? null;
    this.requestId = body.request_id ?? null;
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'Unexpected error';
}

// The CSRF token comes from the session object; it is kept here so every mutation sends it.
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
  query?: Query | ListParams;
  signal?: AbortSignal;
  /** a credential other than the session (the recovery page's link: `Authorization: Bearer rcv_…`) */
  authorization?: string;
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    'error' in value &&
    typeof (value as { error: unknown }).error === 'object' &&
    (value as { error: unknown }).error !== null
  );
}

function apiUrl(path: string, query: Query | ListParams = {}): URL {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  }
  return url;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const url = apiUrl(path, options.query);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (options.authorization) headers.Authorization = options.authorization;
  // every POST is one user action with its own Idempotency-Key, the same when the action is tried again
  const action = `${url.pathname}${url.search}`;
  if (method === 'POST') headers['Idempotency-Key'] = actionKey(action, options.body);

  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw unreachable();
  }

  const payload = parseJson(await response.text());
  if (method === 'POST') {
    const code = isErrorBody(payload) ? payload.error.code : null;
    settleAction(action, options.body, response.status, code);
  }
  const redacted = response.headers.get('idempotent-redacted');
  if (response.ok && redacted) {
    // a retry replayed an earlier try that succeeded, whose answer was lost: what it showed once (a key's
    // secret, a link) is not kept (docs/api.md#idempotency); the action is settled, so trying again makes
    // a new one
    throw new ApiError(response.status, {
      type: 'invalid_request_error',
      code: 'shown_once',
      message: `This was already done, but its answer was lost and its ${redacted} is shown only once. Try again to make a new one (and revoke or ignore the first).`,
    });
  }
  if (!response.ok) throw failure(response, payload);
  return payload as T;
}

const unreachable = () =>
  new ApiError(0, {
    type: 'api_connection_error',
    code: 'network_error',
    message: 'Could not reach the server. Check your connection and try again.',
  });

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The API's error for a non-2xx answer: its own body, or the status when it sent none. */
function failure(response: Response, payload: unknown): ApiError {
  if (isErrorBody(payload)) return new ApiError(response.status, payload.error);
  return new ApiError(response.status, {
    type: 'api_error',
    code: `http_${response.status}`,
    message: `The server answered ${response.status} ${response.statusText}.`.trim(),
  });
}

/** A GET answered in another representation than JSON (`Accept: text/csv`): its body and suggested file name. */
export async function apiFile(
  path: string,
  accept: string,
  query: Query = {},
): Promise<{ blob: Blob; filename: string | null }> {
  const url = apiUrl(path, query);
  let response: Response;
  try {
    response = await fetch(url, { headers: { Accept: accept }, credentials: 'same-origin' });
  } catch {
    throw unreachable();
  }
  if (!response.ok) throw failure(response, parseJson(await response.text()));
  const disposition = response.headers.get('content-disposition') ?? '';
  const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? null;
  return { blob: await response.blob(), filename };
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}
