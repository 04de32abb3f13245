// Stripe's error body and status codes; the SDK picks its error class from the status.
export interface ErrorBody {
  type: string;
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  doc_url?: string;
  charge?: string;
  payment_intent?: unknown;
  setup_intent?: unknown;
  payment_method?: unknown;
  advice_code?: string;
}

export class StripeError extends Error {
  readonly status: number;
  readonly body: ErrorBody;
  readonly headers: Record<string, string>;
  /** false for errors raised before the endpoint starts executing: Stripe does not store those. */
  readonly saveIdempotent: boolean;
  /** OAuth endpoints answer `{error, error_description}` instead of Stripe's error object. */
  readonly oauth: { error: string; error_description: string } | null;

  constructor(
    status: number,
    body: ErrorBody,
    opts: {
      headers?: Record<string, string>;
      save?: boolean;
      oauth?: { error: string; error_description: string };
    } = {},
  ) {
    super(body.message);
    this.status = status;
    this.body = body;
    this.headers = opts.headers ?? {};
    this.saveIdempotent = opts.save ?? true;
    this.oauth = opts.oauth ?? null;
  }
}

const doc = (code: string) => `https://stripe.com/docs/error-codes/${code.replaceAll('_', '-')}`;

export function invalidRequest(message: string, param?: string, code?: string, status = 400): StripeError {
  const body: ErrorBody = { type: 'invalid_request_error', message };
  if (code) {
    body.code = code;
    body.doc_url = doc(code);
  }
  if (param) body.param = param;
  return new StripeError(status, body);
}

export function paramError(message: string, param: string, code: string): StripeError {
  return new StripeError(
    400,
    { type: 'invalid_request_error', code, doc_url: doc(code), message, param },
    { save: false },
  );
}

export function missingParam(param: string): StripeError {
  return paramError(`Missing required param: ${param}.`, param, 'parameter_missing');
}

export function unknownParam(param: string): StripeError {
  return paramError(`Received unknown parameter: ${param}`, param, 'parameter_unknown');
}

export function notFound(kind: string, id: string, param = 'id'): StripeError {
  return invalidRequest(`No such ${kind}: '${id}'`, param, 'resource_missing', 404);
}

export function cardError(message: string, code: string, extra: Partial<ErrorBody> = {}): StripeError {
  return new StripeError(402, { type: 'card_error', code, doc_url: doc(code), message, ...extra });
}

export function apiError(message = 'An unknown error occurred'): StripeError {
  return new StripeError(500, { type: 'api_error', message }, { headers: { 'Stripe-Should-Retry': 'true' } });
}

export function rateLimited(): StripeError {
  return new StripeError(
    429,
    {
      type: 'invalid_request_error',
      code: 'rate_limit',
      doc_url: doc('rate_limit'),
      message:
        'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
    },
    { save: false },
  );
}

export function idempotencyMismatch(key: string): StripeError {
  return new StripeError(
    400,
    {
      type: 'idempotency_error',
      message:
        'Keys for idempotent requests can only be used with the same parameters they were first used with. ' +
        `Try using a key other than '${key}' if you meant to execute a different request.`,
    },
    { save: false },
  );
}

export function idempotencyInUse(key: string): StripeError {
  return new StripeError(
    409,
    {
      type: 'invalid_request_error',
      code: 'idempotency_key_in_use',
      doc_url: doc('idempotency_key_in_use'),
      message:
        `There is currently another in-progress request using this Idempotent Key (that probably means ` +
        `you submitted twice, and the other request is still going through): ${key}. ` +
        'Please try again later.',
    },
    { save: false },
  );
}

export function toJson(err: StripeError): string {
  return JSON.stringify(err.oauth ?? { error: err.body });
}

export function oauthError(error: string, description: string, status = 400): StripeError {
  return new StripeError(
    status,
    { type: 'invalid_request_error', message: description },
    { oauth: { error, error_description: description }, save: false },
  );
}
