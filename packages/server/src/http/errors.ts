/** The closed set of error codes the API answers with, each with its HTTP status and type. */
export const errorCodes = {
  parameter_missing: [400, 'invalid_request_error'],
  parameter_unknown: [400, 'invalid_request_error'],
  parameter_invalid: [400, 'invalid_request_error'],
  body_invalid_json: [400, 'invalid_request_error'],
  body_empty: [400, 'invalid_request_error'],
  // input Postgres cannot store (NUL, unpaired surrogates) and bodies nested too deep
  parameter_invalid_character: [400, 'invalid_request_error'],
  body_too_deep: [400, 'invalid_request_error'],
  // inbound webhooks: 400 only for what a retry cannot fix
  signature_missing: [400, 'invalid_request_error'],
  signature_malformed: [400, 'invalid_request_error'],
  signature_invalid: [400, 'invalid_request_error'],
  signature_scheme_unsupported: [400, 'invalid_request_error'],
  signature_timestamp_out_of_tolerance: [400, 'invalid_request_error'],
  livemode_mismatch: [400, 'invalid_request_error'],
  webhook_payload_invalid: [400, 'invalid_request_error'],
  idempotency_error: [400, 'idempotency_error'],
  idempotency_key_invalid: [400, 'invalid_request_error'],
  // money-moving POSTs
  idempotency_key_required: [400, 'invalid_request_error'],
  // `tributary_*` metadata keys carry Tributary's own ids on Stripe objects; callers cannot set them
  metadata_reserved: [400, 'invalid_request_error'],
  // e-mail branding: a display name with an address or header characters, a logo that is not https or a
  // small data: image, a colour that is not #rrggbb, a Reply-To that is not a member's or the verified
  // billing contact's address
  brand_name_invalid: [400, 'invalid_request_error'],
  logo_url_invalid: [400, 'invalid_request_error'],
  accent_color_invalid: [400, 'invalid_request_error'],
  reply_to_not_allowed: [400, 'invalid_request_error'],
  not_authenticated: [401, 'authentication_error'],
  api_key_invalid: [401, 'authentication_error'],
  invalid_credentials: [401, 'authentication_error'],
  // the recovery page's signed link (billing/recovery/token.ts): forged, malformed or its tenant gone; or past
  // its 30 days
  recovery_token_invalid: [401, 'authentication_error'],
  recovery_token_expired: [401, 'authentication_error'],
  forbidden: [403, 'permission_error'],
  csrf_token_invalid: [403, 'permission_error'],
  setup_token_invalid: [403, 'permission_error'],
  // a support user's invitation link unknown, used, expired or revoked (auth/support-users.ts)
  support_invitation_invalid: [403, 'permission_error'],
  resource_missing: [404, 'invalid_request_error'],
  route_not_found: [404, 'invalid_request_error'],
  method_not_allowed: [405, 'invalid_request_error'],
  resource_exists: [409, 'invalid_request_error'],
  last_owner: [409, 'invalid_request_error'],
  idempotency_key_in_use: [409, 'idempotency_error'],
  setup_already_done: [409, 'invalid_request_error'],
  // Connect: the tenant's connected account is missing, disconnected or cannot take charges yet
  account_not_connected: [409, 'invalid_request_error'],
  account_charges_disabled: [409, 'invalid_request_error'],
  account_in_use: [409, 'invalid_request_error'],
  connect_not_configured: [409, 'invalid_request_error'],
  // Payments
  payment_method_missing: [400, 'invalid_request_error'],
  // a currency that is not ISO 4217 or that Stripe does not take
  currency_unsupported: [400, 'invalid_request_error'],
  // the estimated Stripe fee and the platform's fee would take more than the amount
  amount_too_small: [400, 'invalid_request_error'],
  payment_not_refundable: [409, 'invalid_request_error'],
  refund_exceeds_payment: [409, 'invalid_request_error'],
  dispute_not_open: [409, 'invalid_request_error'],
  // Notifications: only a sent or failed e-mail can be sent again
  notification_not_resendable: [409, 'invalid_request_error'],
  // an owner alert nobody may turn off (a dispute opened, the account disabled)
  notification_alert_critical: [400, 'invalid_request_error'],
  // a route about the caller's own user (their notification preferences), called with an API key
  user_session_required: [400, 'invalid_request_error'],
  // Invoices and subscriptions: the object's state does not allow the change
  endpoint_disabled: [409, 'invalid_request_error'],
  invoice_state_invalid: [409, 'invalid_request_error'],
  due_date_in_past: [400, 'invalid_request_error'],
  event_type_unknown: [400, 'invalid_request_error'],
  subscription_state_invalid: [409, 'invalid_request_error'],
  payment_method_required: [409, 'invalid_request_error'],
  // Usage events: a timestamp outside Stripe meters' window (35 days back, 5 minutes ahead), a metric
  // Tributary measures itself (payment_volume, seats)
  usage_timestamp_too_old: [400, 'invalid_request_error'],
  usage_timestamp_in_future: [400, 'invalid_request_error'],
  usage_metric_reserved: [400, 'invalid_request_error'],
  // a hard limit of the tenant's plan with the platform (a member joining beyond its seats)
  plan_limit_reached: [409, 'invalid_request_error'],
  // the tenant's last payment method while a plan invoice is open (billing/account/)
  only_payment_method_with_open_invoice: [409, 'invalid_request_error'],
  billing_not_configured: [409, 'invalid_request_error'],
  // a plan change's quote: spent, past its 15 minutes, or computed against a subscription, price, balance or
  // discount that has moved since (a new quote says what the change costs now)
  quote_used: [409, 'invalid_request_error'],
  // a plan change made while another one is still being made at Stripe (its trial claimed, no subscription yet)
  plan_change_in_progress: [409, 'invalid_request_error'],
  quote_expired: [409, 'invalid_request_error'],
  quote_changed: [409, 'invalid_request_error'],
  // the plan is already the one asked for, or the subscription's state allows no such change
  plan_change_invalid: [409, 'invalid_request_error'],
  // a plan change is waiting for its payment (3-D Secure on its invoice's page): no other until it is done
  plan_change_pending: [409, 'invalid_request_error'],
  // an upgrade is paid at once, off-session: only a card on file can pay it (bank debits cannot pay a
  // pending update); a decline leaves the plan as it was
  card_required: [402, 'card_error'],
  plan_payment_failed: [402, 'card_error'],
  // the tenant's plan is unpaid (dunning): growth refused in its warning phase, more once suspended
  // (http/dunning.ts)
  tenant_past_due: [402, 'invalid_request_error'],
  tenant_suspended: [402, 'invalid_request_error'],
  // the recovery page's payment of an open plan invoice was declined (the decline in words)
  recovery_payment_failed: [402, 'card_error'],
  // the operator's dunning actions: a case already closed, or extended once suspended
  dunning_case_closed: [409, 'invalid_request_error'],
  dunning_case_suspended: [409, 'invalid_request_error'],
  dunning_case_busy: [409, 'invalid_request_error'],
  // the recovery page: an owed invoice paid before an older one; Stripe's page adding a card not done yet;
  // a recovery link asked for while nothing is owed
  recovery_invoice_not_oldest: [409, 'invalid_request_error'],
  recovery_setup_incomplete: [409, 'invalid_request_error'],
  recovery_nothing_owed: [409, 'invalid_request_error'],
  // the dashboard's confirmation of Stripe's page adding a payment method, before it saved one
  payment_method_setup_incomplete: [409, 'invalid_request_error'],
  // analytics: a range whose `from` month is after its `to`, or longer than a report covers
  analytics_range_invalid: [400, 'invalid_request_error'],
  analytics_range_too_long: [400, 'invalid_request_error'],
  // a dashboard user (not the operator) asked a /v1/analytics route without naming which of its tenants
  analytics_tenant_required: [400, 'invalid_request_error'],
  // support queries: a platform-wide caller names neither the tenant nor a reason; not exactly one criterion
  support_tenant_or_reason_required: [400, 'invalid_request_error'],
  support_search_criteria_invalid: [400, 'invalid_request_error'],
  body_too_large: [413, 'invalid_request_error'],
  unsupported_media_type: [415, 'invalid_request_error'],
  rate_limited: [429, 'rate_limit_error'],
  // too many billing contact verification e-mails from the tenant, or to the address (Retry-After says when)
  billing_contact_rate_limited: [429, 'rate_limit_error'],
  api_error: [500, 'api_error'],
  stripe_error: [502, 'api_error'],
  service_unavailable: [503, 'api_error'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof errorCodes;

export class ApiError extends Error {
  override name = 'ApiError';
  readonly code: ErrorCode;
  readonly param: string | null;
  readonly status: number;
  readonly type: string;
  /** a 429's `Retry-After`, in seconds */
  readonly retryAfterSeconds: number | null;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { param?: string | null; cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: opts.cause });
    this.code = code;
    this.param = opts.param ?? null;
    this.retryAfterSeconds = opts.retryAfterSeconds ?? null;
    [this.status, this.type] = errorCodes[code];
  }

  static notFound(what: string, id: string, param = 'id'): ApiError {
    return new ApiError(
      'resource_missing',
      `No such ${what.replace(/([A-Z])/g, ' $1').toLowerCase()}: '${id}'`,
      { param },
    );
  }

  /**
   * A retried money-moving request (the same Idempotency-Key, so the same row and Stripe key) that names
   * another target or amount than the row its key made.
   */
  static idempotencyMismatch(): ApiError {
    return new ApiError(
      'idempotency_error',
      'Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than the one you sent if you meant to execute a different request.',
    );
  }

  static forbidden(message = 'Your role does not allow this action.'): ApiError {
    return new ApiError('forbidden', message);
  }
}

export interface ErrorBody {
  error: { type: string; code: ErrorCode; message: string; param: string | null; request_id: string };
}
