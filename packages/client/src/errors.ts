import type { components } from './schema.d.ts';

/** The API's error body (`{ error: { type, code, message, param, request_id } }`, docs/api.md "Errors"). */
export type ApiErrorBody = components['schemas']['Error'];

/**
 * A non-2xx answer of Tributary's API, with the fields of its error body. `code` is stable and
 * machine-readable (`resource_missing`, `parameter_invalid`, `idempotency_key_in_use`, …); `status` is the
 * HTTP status; `requestId` is what to quote when asking about a request.
 */
export class TributaryError extends Error {
  override readonly name = 'TributaryError';
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly param: string | null;
  readonly requestId: string | null;
  /** the `Retry-After` of a 429 or 503, in seconds, when the API sent one */
  readonly retryAfter: number | null;

  constructor(status: number, body: Partial<ApiErrorBody['error']>, headers?: Headers) {
    super(body.message ?? `Tributary API answered ${status}`);
    this.status = status;
    this.type = body.type ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
    this.code = body.code ?? `http_${status}`;
    this.param = body.param ?? null;
    this.requestId = body.request_id ?? headers?.get('request-id') ?? null;
    this.retryAfter = retryAfterSeconds(headers?.get('retry-after') ?? null);
  }

  /** The API's own name for it, `request_id` (the same as `requestId`). */
  get request_id(): string | null {
    return this.requestId;
  }

  /** Reads a non-2xx response's body (an error body of the API's, or anything a proxy answered). */
  static async fromResponse(response: Response): Promise<TributaryError> {
    let body: Partial<ApiErrorBody['error']> = {};
    const text = await response.text().catch(() => '');
    try {
      const parsed = JSON.parse(text) as Partial<ApiErrorBody>;
      if (parsed && typeof parsed.error === 'object' && parsed.error) body = parsed.error;
    } catch {
      if (text) body = { message: `Tributary API answered ${response.status}: ${text.slice(0, 200)}` };
    }
    return new TributaryError(response.status, body, response.headers);
  }
}

/** `Retry-After` as seconds (a number of seconds or an HTTP date), or null. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}
