import { createHash, randomUUID } from 'node:crypto';
import Stripe from 'stripe';

/**
 * The one way out to Stripe. Every call names what it does, the account it acts on and whether it moves
 * money; the gateway builds its idempotency key from our own records, sets `Stripe-Account`, runs it under
 * the gateway's policy and turns the SDK's errors into a `StripeFailure` that says what happened in
 * Stripe's terms only (what an API caller is answered is `http/stripe-failures.ts`'s business).
 *
 *   const customer = await deps.stripe.call(
 *     { action: 'create the customer', account, movesMoney: false, purpose: 'customer', record: row.id, attempt: 1 },
 *     (stripe, opts) => stripe.customers.create(params, opts),
 *   );
 *
 * The policy (`GatewayPolicy`) sees every call before it is sent and its outcome after: the place for the
 * outage breaker (refuse calls while Stripe is failing, reads then fall back to our stored copy) and for
 * queueing money-moving calls instead of failing them. Today's policy sends every call as it comes.
 */

// ---------------------------------------------------------------------------------------------------------
// Idempotency keys

interface KeyShape {
  /** what `record` is: whose id the key carries */
  record: string;
  /** the record's try: a new try (after a refusal) is a new call at Stripe */
  attempt?: true;
  /** what follows, in order: values that make a call for the same record a different call */
  discriminator?: readonly string[];
  /** a random uuid ends the key: every call is a new one (single-use links and sessions never replay) */
  random?: true;
}

/**
 * Every idempotency key Tributary sends: `tributary:<purpose>:<record>[:<attempt>][:<discriminator>…][:<uuid>]`.
 * A key that changes between two deploys lets a retry spanning them do its call twice (charge twice), so
 * existing shapes never change; test/stripe/gateway-keys.test.ts holds each one byte for byte.
 */
export const KEY_SHAPES = {
  connect_account: { record: 'tenant', attempt: true },
  account_link: { record: 'connected account row', random: true },
  login_link: { record: 'connected account row', random: true },
  customer: { record: 'customer', attempt: true },
  setup_intent: { record: 'customer', random: true },
  setup_session: { record: 'customer', random: true },
  portal_session: { record: 'customer', random: true },
  default_payment_method: { record: 'customer', discriminator: ['payment method (pm_…)'] },
  payment_intent: { record: 'payment', attempt: true },
  refund: { record: 'refund', attempt: true },
  dispute_file: { record: 'dispute', discriminator: ['content digest'] },
  dispute_evidence: { record: 'dispute', discriminator: ['content digest'] },
  product: { record: 'product', attempt: true },
  product_archive: { record: 'product' },
  price: { record: 'price', attempt: true },
  subscription: { record: 'subscription', attempt: true },
  // the row's state before the change (updated_at in ms): a retried request replays, a later change is new
  subscription_updated: { record: 'subscription', discriminator: ['row updated at (ms)'] },
  subscription_canceled: { record: 'subscription', discriminator: ['row updated at (ms)'] },
  subscription_invoice_fee: {
    record: 'Stripe invoice (in_…)',
    discriminator: ['amount due', 'application fee'],
  },
  fee_top_up: { record: 'Stripe charge (ch_…)' },
  invoice_send: { record: 'invoice', attempt: true, discriminator: ['application fee'] },
  invoice_link_off: { record: 'invoice', discriminator: ['payment link (plink_…)'] },
  // the platform billing its tenants: the tenant's customer on the platform account (one per tenant), and
  // its plan subscription made, changed or canceled from the billing row as it was (a retry replays)
  platform_customer: { record: 'tenant', attempt: true },
  platform_subscription: { record: 'tenant', discriminator: ['billing row updated at (ms)'] },
  platform_subscription_change: { record: 'tenant', discriminator: ['billing row updated at (ms)'] },
  platform_subscription_cancel: { record: 'tenant', discriminator: ['billing row updated at (ms)'] },
  // a plan subscription no row names (made by a change whose answer was lost), canceled once
  platform_subscription_orphan_cancel: { record: 'subscription (sub_…)' },
  // a quoted plan change: one call per quote (single-use), so a retry replays and never charges twice
  platform_quote_apply: { record: 'plan quote' },
  // a downgrade at the period's end: the schedule made from the subscription, then its two phases
  platform_schedule: { record: 'plan quote' },
  platform_schedule_phases: { record: 'plan quote' },
  // cancel at the period's end and resume, from the billing row as it was
  platform_subscription_cancel_at_end: { record: 'tenant', discriminator: ['billing row updated at (ms)'] },
  platform_subscription_resume: { record: 'tenant', discriminator: ['billing row updated at (ms)'] },
  platform_schedule_release: { record: 'tenant', discriminator: ['billing row updated at (ms)'] },
  // metered items of an old plan left on the subscription by a paid pending update, deleted once
  platform_drop_items: { record: 'tenant', discriminator: ['subscription item ids (si_…)'] },
  // the platform's own plans (platform billing): made on the platform account
  platform_product: { record: 'plan', attempt: true },
  platform_product_archive: { record: 'plan' },
  platform_product_update: { record: 'plan', discriminator: ['plan updated at (ms)'] },
  platform_price: { record: 'plan price', attempt: true },
  platform_overage_price: { record: 'plan overage price', attempt: true },
  billing_meter: { record: 'metric' },
  plan_migration: { record: 'tenant', discriminator: ['subscription and its new items digest'] },
  meter_event: { record: 'meter report' },
  // the tenant's billing account with the platform (billing/account/): the hosted page adding a payment
  // method (single use), a first method made the default, and the operator's credits and credit notes,
  // keyed by the caller's Idempotency-Key (a retried request replays at Stripe)
  platform_setup_session: { record: 'tenant', random: true },
  platform_default_payment_method: { record: 'tenant', discriminator: ['payment method (pm_…)'] },
  platform_credit: { record: 'tenant', discriminator: ["caller's Idempotency-Key digest"] },
  platform_credit_note: {
    record: 'Stripe invoice (in_…)',
    discriminator: ["caller's Idempotency-Key digest"],
  },
  // the recovery page paying an open plan invoice with a saved method, keyed by its caller's Idempotency-Key
  platform_recovery_pay: {
    record: 'Stripe invoice (in_…)',
    discriminator: ["caller's Idempotency-Key digest"],
  },
  // dunning (billing/dunning/): a failed renewal invoice taken off Stripe's own retries, each attempt with
  // each saved method (a new retry number only after Stripe answered 5xx, which it replays under a key), the
  // pending-update invoice voided, and the final cancel of a suspended tenant's subscription
  dunning: {
    record: 'Stripe invoice (in_…)',
    discriminator: ['attempt number', 'payment method (pm_…)', 'retry number'],
  },
  // state changes that move no money carry the hour (UTC) of the call, so a 500 kept under the key for 24
  // hours holds them up an hour at most (done twice, Stripe refuses the second as the state it has)
  dunning_auto_advance: { record: 'Stripe invoice (in_…)', discriminator: ['hour (UTC)'] },
  dunning_void: { record: 'Stripe invoice (in_…)', discriminator: ['hour (UTC)'] },
  dunning_cancel: { record: 'dunning case' },
  // the final action's write-off of what the case still owed
  dunning_write_off: { record: 'Stripe invoice (in_…)', discriminator: ['hour (UTC)'] },
  // the operator marking a case's invoice paid out of band
  dunning_mark_paid: { record: 'Stripe invoice (in_…)', discriminator: ['hour (UTC)'] },
} as const satisfies Record<string, KeyShape>;

export type Purpose = keyof typeof KEY_SHAPES;
export const PURPOSES = Object.keys(KEY_SHAPES) as Purpose[];

type KeyPart = string | number | null;

/** What a call's idempotency key is made of (its shape is its purpose's, `KEY_SHAPES`). */
export interface KeySpec {
  purpose: Purpose;
  record: string;
  attempt?: number;
  discriminator?: KeyPart | readonly KeyPart[];
}

/** The key of a call; a spec that does not fit its purpose's shape is a programming error. */
export function idempotencyKey(spec: KeySpec): string {
  const shape: KeyShape = KEY_SHAPES[spec.purpose];
  if (!shape) throw new Error(`no idempotency key shape for purpose ${String(spec.purpose)}`);
  const extra: readonly KeyPart[] =
    spec.discriminator === undefined
      ? []
      : Array.isArray(spec.discriminator)
        ? spec.discriminator
        : [spec.discriminator as KeyPart];
  if ((spec.attempt !== undefined) !== Boolean(shape.attempt))
    throw new Error(`the ${spec.purpose} key ${shape.attempt ? 'needs' : 'takes no'} attempt`);
  if (extra.length !== (shape.discriminator?.length ?? 0))
    throw new Error(
      `the ${spec.purpose} key takes: ${shape.discriminator?.join(', ') || 'no discriminator'}`,
    );
  // each part as a template literal writes it (`null` included), as the keys were first written
  return [
    'tributary',
    spec.purpose,
    spec.record,
    ...(spec.attempt !== undefined ? [spec.attempt] : []),
    ...extra,
    ...(shape.random ? [randomUUID()] : []),
  ]
    .map(String)
    .join(':');
}

/** The discriminator of a key derived from content (a file, a request body): 32 hex digits of its sha256. */
export const contentDigest = (content: string | Buffer): string =>
  createHash('sha256').update(content).digest('hex').slice(0, 32);

// ---------------------------------------------------------------------------------------------------------
// Calls

/**
 * Which of a call's Stripe parameters carry the caller's own input, and the API parameter each came from:
 * `{ 'recurring[interval_count]': 'interval_count' }`. List indices are ignored (`items[][quantity]` matches
 * `items[0][quantity]`); a key also matches the parameters nested under it, the longest key winning.
 */
export type CallerParams = Readonly<Record<string, string>>;

interface CallBase {
  /** what the call does, as a failure names it: "create the customer" */
  action: string;
  /** the connected account the call is made on (`Stripe-Account`); null for the platform's own objects */
  account: string | null;
  /** whether the call can take, return or move money (a charge, a refund, a transfer reversal, a fee) */
  movesMoney: boolean;
  /** the call's parameters filled from the caller's input (Stripe refusing one is the caller's mistake) */
  input?: CallerParams;
}

/** One call: with a purpose, it carries the idempotency key built from it; without, it sends none of ours. */
export type StripeCall = CallBase &
  (KeySpec | { purpose?: never; record?: never; attempt?: never; discriminator?: never });

/** What the policy is told of each call before it is sent. */
export interface CallInfo {
  action: string;
  purpose: Purpose | null;
  account: string | null;
  movesMoney: boolean;
  idempotencyKey: string | null;
}

/**
 * Consulted around every call: `send` makes it (its failure already a `StripeFailure`). A policy may refuse
 * a call without sending it — throw `StripeFailure.notSent(…)`, which callers must not read as "may have
 * happened" — retry it, or watch outcomes (the outage breaker counts `transient` failures per account).
 */
export interface GatewayPolicy {
  run<T>(call: CallInfo, send: () => Promise<T>): Promise<T>;
}

/** Today's policy: every call is sent once, as it comes (the SDK retries network failures with its key). */
export const sendEveryCall: GatewayPolicy = { run: (_call, send) => send() };

/** The SDK's request options of a call: the account it acts on and its idempotency key. */
function requestOptions(account: string | null, idempotencyKey: string | null): Stripe.RequestOptions {
  return {
    ...(account ? { stripeAccount: account } : {}),
    ...(idempotencyKey ? { idempotencyKey } : {}),
  };
}

/**
 * The gateway: `StripeRef` (client.ts) supplies the client of the current context (an API request's limits
 * or the worker's) and the policy.
 */
export abstract class StripeGateway {
  private readonly policy: GatewayPolicy;

  constructor(policy: GatewayPolicy = sendEveryCall) {
    this.policy = policy;
  }

  /** The SDK client for the current context. */
  protected abstract client(): Stripe;

  /** Makes one call (never inside a transaction); fails with a `StripeFailure` when Stripe does. */
  call<T>(spec: StripeCall, send: (stripe: Stripe, opts: Stripe.RequestOptions) => Promise<T>): Promise<T> {
    const key = spec.purpose ? idempotencyKey(spec as KeySpec) : null;
    const opts = requestOptions(spec.account, key);
    const info: CallInfo = {
      action: spec.action,
      purpose: spec.purpose ?? null,
      account: spec.account,
      movesMoney: spec.movesMoney,
      idempotencyKey: key,
    };
    return this.policy.run(info, async () => {
      try {
        return await send(this.client(), opts);
      } catch (err) {
        throw StripeFailure.from(err, spec) ?? err;
      }
    });
  }

  /** A list read page by page (the SDK's auto-pagination); each step is a call under the policy. */
  async *each<T>(
    spec: CallBase,
    list: (stripe: Stripe, opts: Stripe.RequestOptions) => AsyncIterable<T>,
  ): AsyncGenerator<T> {
    let items: AsyncIterator<T> | null = null;
    for (;;) {
      const next = await this.call(spec, (stripe, opts) => {
        items ??= list(stripe, opts)[Symbol.asyncIterator]();
        return items.next();
      });
      if (next.done) return;
      yield next.value;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Failures

/**
 * - `card_error`: the card was declined (a payment or setup outcome, carrying the intent it left behind)
 * - `invalid_request`: Stripe refused the parameters or the object (`param`, `code`; 404: no such object)
 * - `idempotency`: the key was sent before with other parameters (so its first call was done)
 * - `rate_limited`: too many calls; `unavailable`: Stripe failed or could not be reached; `timeout`: no
 *   answer in time. These three are `transient`: the call may have been done.
 * - `auth`: the key or the platform may not do this (401, 403; an OAuth grant or client Stripe refused)
 */
export type StripeFailureKind =
  | 'card_error'
  | 'invalid_request'
  | 'idempotency'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout'
  | 'auth';

const TRANSIENT: readonly StripeFailureKind[] = ['rate_limited', 'unavailable', 'timeout'];

interface FailureFields {
  kind: StripeFailureKind;
  action: string;
  message: string;
  code?: string | null;
  declineCode?: string | null;
  adviceCode?: string | null;
  param?: string | null;
  statusCode?: number | null;
  errorType?: string | null;
  callerParam?: string | null;
  sent?: boolean;
  paymentIntent?: Stripe.PaymentIntent | null;
  setupIntent?: Stripe.SetupIntent | null;
  cause?: unknown;
}

/** A failed Stripe call, classified. Its message is Stripe's own (for logs and stored reasons only). */
export class StripeFailure extends Error {
  override name = 'StripeFailure';
  readonly kind: StripeFailureKind;
  /** the call's `action` */
  readonly action: string;
  /** Stripe's error code (`resource_missing`, `card_declined`; an OAuth error's `invalid_grant`) */
  readonly code: string | null;
  readonly declineCode: string | null;
  /** the network's advice on a decline (`do_not_try_again`, `try_again_later`, `confirm_card_data`) */
  readonly adviceCode: string | null;
  /** the Stripe parameter Stripe named */
  readonly param: string | null;
  readonly statusCode: number | null;
  /** the SDK's error class (`StripePermissionError`), to name a failure Stripe gave no code */
  readonly errorType: string | null;
  /** the caller's parameter `param` was filled from (the call's `input`), if any */
  readonly callerParam: string | null;
  /** false when the policy refused the call: Stripe never saw it */
  readonly sent: boolean;
  /** what a declined payment or setup left behind (Stripe's 402 carries the intent) */
  readonly paymentIntent: Stripe.PaymentIntent | null;
  readonly setupIntent: Stripe.SetupIntent | null;

  constructor(f: FailureFields) {
    super(f.message, { cause: f.cause });
    this.kind = f.kind;
    this.action = f.action;
    this.code = f.code ?? null;
    this.declineCode = f.declineCode ?? null;
    this.adviceCode = f.adviceCode ?? null;
    this.param = f.param ?? null;
    this.statusCode = f.statusCode ?? null;
    this.errorType = f.errorType ?? null;
    this.callerParam = f.callerParam ?? null;
    this.sent = f.sent ?? true;
    this.paymentIntent = f.paymentIntent ?? null;
    this.setupIntent = f.setupIntent ?? null;
  }

  /** Stripe failed, or did not answer: the call may or may not have been done. */
  get transient(): boolean {
    return TRANSIENT.includes(this.kind);
  }

  /**
   * Whether the call may still have been done at Stripe: unanswered, or refused as a mismatched replay of
   * its idempotency key (the first request with that key was done). Such a row is never undone on our side.
   */
  get mayHaveHappened(): boolean {
    return this.sent && (this.transient || this.kind === 'idempotency');
  }

  /** A call the policy refuses to send (the breaker open, say). */
  static notSent(call: Pick<CallInfo, 'action'>, kind: StripeFailureKind, message: string): StripeFailure {
    return new StripeFailure({ kind, action: call.action, message, sent: false });
  }

  /** The SDK's error as a failure of the call; null for anything that is not a Stripe error. */
  static from(err: unknown, call: Pick<CallBase, 'action' | 'input'>): StripeFailure | null {
    if (!(err instanceof Stripe.errors.StripeError)) return null;
    const e = err as Stripe.errors.StripeError & { rawType?: string };
    const oauth = err instanceof Stripe.errors.StripeOAuthError;
    const raw = (e.raw ?? {}) as { payment_intent?: unknown; setup_intent?: unknown; advice_code?: unknown };
    return new StripeFailure({
      kind: kindOf(e),
      action: call.action,
      message: e.message,
      code: e.code ?? (oauth ? e.rawType : null),
      declineCode: e.decline_code || null,
      adviceCode: typeof raw.advice_code === 'string' ? raw.advice_code : null,
      param: e.param ?? null,
      statusCode: e.statusCode ?? null,
      errorType: e.type,
      callerParam: e.param ? callerParamOf(e.param, call.input ?? {}) : null,
      paymentIntent: (raw.payment_intent as Stripe.PaymentIntent | undefined) ?? null,
      setupIntent: (raw.setup_intent as Stripe.SetupIntent | undefined) ?? null,
      cause: err,
    });
  }
}

function kindOf(e: Stripe.errors.StripeError): StripeFailureKind {
  if (e.type === 'StripeConnectionError')
    return (e.detail as { code?: string } | undefined)?.code === 'ETIMEDOUT' ? 'timeout' : 'unavailable';
  // 409 idempotency_key_in_use (a StripeAPIError to the SDK): an earlier request with the same key is still
  // being processed. Its outcome is unknown, as after a timeout, and the same key is the one to send again
  if (e.statusCode === 409 && e.code === 'idempotency_key_in_use') return 'timeout';
  if (e.type === 'StripeAPIError' || (e.statusCode !== undefined && e.statusCode >= 500))
    return 'unavailable';
  if (e.type === 'StripeRateLimitError') return 'rate_limited';
  if (e.type === 'StripeIdempotencyError') return 'idempotency';
  if (e.type === 'StripeCardError') return 'card_error';
  if (e.statusCode === 401 || e.statusCode === 403) return 'auth';
  return 'invalid_request';
}

/** The caller's parameter a Stripe parameter was filled from (see CallerParams). */
function callerParamOf(stripeParam: string, input: CallerParams): string | null {
  const param = stripeParam.replace(/\[\d+\]/g, '[]');
  let ours: string | null = null;
  let longest = -1;
  for (const [key, mapped] of Object.entries(input)) {
    if ((param === key || param.startsWith(`${key}[`)) && key.length > longest) {
      ours = mapped;
      longest = key.length;
    }
  }
  return ours;
}

/** `mayHaveHappened` of any error: only a Stripe failure may have been done. */
export const mayHaveHappened = (err: unknown): boolean => err instanceof StripeFailure && err.mayHaveHappened;

export type { Stripe };
