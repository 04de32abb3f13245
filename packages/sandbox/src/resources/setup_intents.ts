// SetupIntents: save a card (3-D Secure for 4000 0025 0000 3155 and friends) or a US bank account.
import type { App, Ctx } from '../app.ts';
import { systemCtx } from '../app.ts';
import { emit } from '../events.ts';
import { requireOwn } from '../lookup.ts';
import type { PaymentMethod, SetupIntent } from '../objects/payments.ts';
import type { Router } from '../router.ts';
import { cardError, invalidRequest } from '../wire/errors.ts';
import { clientSecret, newId, nowSeconds } from '../wire/ids.ts';
import { matchesSent, paginate } from '../wire/list.ts';
import {
  any,
  arr,
  bool,
  enm,
  hash,
  listParams,
  mergeMetadata,
  metadata,
  obj,
  str,
  type Valid,
  validate,
} from '../wire/schema.ts';
import { requireCustomer } from './customers/model.ts';
import {
  attach,
  createPaymentMethod,
  type PaymentMethodData,
  paymentMethodDataShape,
  pmTable,
  requireUsableBy,
  resolvePaymentMethod,
  testCardOf,
} from './payment_methods.ts';

const common = {
  customer: str,
  customer_account: str,
  description: str,
  metadata,
  payment_method: str,
  payment_method_data: obj(paymentMethodDataShape),
  payment_method_options: hash,
  payment_method_configuration: str,
  allowed_payment_method_types: arr(str),
  excluded_payment_method_types: arr(str),
  flow_directions: arr(str),
  attach_to_self: bool,
};
const confirmShape = { return_url: str, mandate_data: any, use_stripe_sdk: bool, confirmation_token: str };

interface Pending {
  owner: string;
  returnUrl: string | null;
}

export function setupThreeDs(app: App) {
  return app.store.table<Pending>('setup_three_ds');
}

const createShape = {
  ...common,
  ...confirmShape,
  confirm: bool,
  on_behalf_of: str,
  usage: enm('off_session', 'on_session'),
  single_use: hash,
  automatic_payment_methods: obj({ enabled: bool, allow_redirects: enm('always', 'never') }),
};

function requireSetupIntent(ctx: Ctx, id: string): SetupIntent {
  return requireOwn(ctx, 'setup_intent', id, 'intent');
}

function setPm(
  ctx: Ctx,
  si: SetupIntent,
  p: { payment_method?: string | null; payment_method_data?: PaymentMethodData | null },
): void {
  if (p.payment_method_data)
    si.payment_method = createPaymentMethod(ctx, p.payment_method_data, 'payment_method_data').id;
  else if (p.payment_method) {
    const pm = resolvePaymentMethod(ctx, String(p.payment_method));
    requireUsableBy(pm, String(p.payment_method), si.customer, 'SetupIntent');
    si.payment_method = pm.id;
  }
}

function succeed(ctx: Ctx, si: SetupIntent, pm: PaymentMethod, authenticated: boolean): void {
  const internal = pmTable(ctx).get(pm.id);
  if (internal && authenticated) internal.setupDone = true;
  if (internal && pm.type === 'card')
    internal.setupDone =
      internal.setupDone || authenticated || testCardOf(ctx, pm)?.outcome !== 'three_ds_on_setup';
  const prev = { status: si.status, next_action: si.next_action };
  si.status = 'succeeded';
  si.next_action = null;
  si.last_setup_error = null;
  if (si.customer && !pm.customer) attach(ctx, pm, String(si.customer));
  ctx.app.store.changed();
  emit(ctx, 'setup_intent.succeeded', si, { previous: prev });
}

function failSetup(
  ctx: Ctx,
  si: SetupIntent,
  pm: PaymentMethod,
  code: string,
  decline: string,
  message: string,
): never {
  const prev = { status: si.status, last_setup_error: si.last_setup_error };
  si.status = 'requires_payment_method';
  si.payment_method = null;
  si.next_action = null;
  si.last_setup_error = {
    code,
    decline_code: decline,
    doc_url: `https://stripe.com/docs/error-codes/${code.replaceAll('_', '-')}`,
    message,
    payment_method: pm,
    payment_method_type: pm.type,
    type: 'card_error',
  };
  ctx.app.store.changed();
  emit(ctx, 'setup_intent.setup_failed', si, { previous: prev });
  throw cardError(message, code, {
    decline_code: decline,
    setup_intent: structuredClone(si),
    payment_method: pm,
  });
}

function confirmSetup(ctx: Ctx, si: SetupIntent, returnUrl: string | null): void {
  if (!['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(String(si.status))) {
    throw invalidRequest(
      `You cannot confirm this SetupIntent because it has a status of ${si.status}.`,
      undefined,
      'setup_intent_unexpected_state',
    );
  }
  const pm = si.payment_method
    ? ctx.app.store.get(ctx.account, String(si.payment_method), 'payment_method')
    : undefined;
  if (!pm) {
    throw invalidRequest(
      "You cannot confirm this SetupIntent because it's missing a payment method.",
      undefined,
      'setup_intent_unexpected_state',
    );
  }
  const test = testCardOf(ctx, pm);
  const outcome = test?.outcome;
  if (outcome === 'decline') {
    failSetup(
      ctx,
      si,
      pm,
      test?.code ?? 'card_declined',
      test?.declineCode ?? 'generic_decline',
      test?.message ?? 'Your card was declined.',
    );
  }
  if (outcome === 'three_ds' || outcome === 'three_ds_on_setup' || outcome === 'three_ds_decline') {
    const url = `${ctx.app.config.publicUrl}/3ds/authenticate/${si.id}?client_secret=${si.client_secret}`;
    setupThreeDs(ctx.app).set(si.id, { owner: ctx.account, returnUrl });
    const prev = { status: si.status, next_action: si.next_action };
    si.status = 'requires_action';
    si.next_action = returnUrl
      ? { type: 'redirect_to_url', redirect_to_url: { return_url: returnUrl, url } }
      : { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: url } };
    ctx.app.store.changed();
    emit(ctx, 'setup_intent.requires_action', si, { previous: prev });
    return;
  }
  succeed(ctx, si, pm, false);
}

export function completeSetupThreeDs(app: App, id: string, passed: boolean): SetupIntent | null {
  const pending = setupThreeDs(app).get(id);
  if (!pending) return null;
  setupThreeDs(app).delete(id);
  const ctx = systemCtx(app, pending.owner);
  const si = app.store.get(pending.owner, id, 'setup_intent');
  if (si?.status !== 'requires_action') return si ?? null;
  const pm = app.store.get(pending.owner, String(si.payment_method), 'payment_method');
  if (!pm) return si;
  try {
    if (!passed) {
      failSetup(
        ctx,
        si,
        pm,
        'setup_intent_authentication_failure',
        'authentication_failure',
        'The latest attempt to set up the payment method has failed because authentication failed.',
      );
    }
    succeed(ctx, si, pm, true);
  } catch {
    // recorded on the SetupIntent
  }
  return si;
}

export function registerSetupIntents(r: Router): void {
  r.post('/v1/setup_intents', (ctx) => createSetupIntent(ctx, validate(createShape, ctx.params)));
  registerRest(r);
}

/** Create (and with `confirm`, confirm) a SetupIntent from validated params — also used by Checkout. */
export function createSetupIntent(ctx: Ctx, p: Valid<typeof createShape>): SetupIntent {
  if (p.customer) requireCustomer(ctx, p.customer, 'customer');
  const id = newId('seti');
  const types = p.allowed_payment_method_types;
  const si: SetupIntent = {
    id,
    object: 'setup_intent',
    application: null,
    automatic_payment_methods: types?.length ? null : { allow_redirects: 'always', enabled: true },
    cancellation_reason: null,
    client_secret: clientSecret(id),
    created: nowSeconds(),
    customer: p.customer ?? null,
    customer_account: null,
    description: p.description ?? null,
    excluded_payment_method_types: p.excluded_payment_method_types ?? null,
    flow_directions: p.flow_directions ?? null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: mergeMetadata({}, p.metadata),
    next_action: null,
    on_behalf_of: p.on_behalf_of ?? null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    },
    payment_method_types: types?.length ? types : ['card', 'us_bank_account'],
    single_use_mandate: null,
    status: 'requires_payment_method',
    usage: p.usage ?? 'off_session',
  };
  setPm(ctx, si, p);
  if (si.payment_method) si.status = 'requires_confirmation';
  ctx.app.store.insert(ctx.account, si);
  emit(ctx, 'setup_intent.created', si);
  if (p.confirm) confirmSetup(ctx, si, p.return_url ?? null);
  return si;
}

function registerRest(r: Router): void {
  r.get('/v1/setup_intents/:id', (ctx) => {
    validate({ client_secret: str }, ctx.params);
    return requireSetupIntent(ctx, ctx.path[0]!);
  });
  r.post('/v1/setup_intents/:id', (ctx) => {
    const p = validate(common, ctx.params);
    const si = requireSetupIntent(ctx, ctx.path[0]!);
    if (p.customer) si.customer = requireCustomer(ctx, String(p.customer), 'customer').id;
    if (p.description !== undefined) si.description = p.description;
    if (p.metadata !== undefined) si.metadata = mergeMetadata(si.metadata, p.metadata);
    setPm(ctx, si, p);
    if (si.payment_method && si.status === 'requires_payment_method') si.status = 'requires_confirmation';
    ctx.app.store.changed();
    return si;
  });
  r.post('/v1/setup_intents/:id/confirm', (ctx) => {
    const p = validate(
      {
        ...confirmShape,
        payment_method: str,
        payment_method_data: obj(paymentMethodDataShape),
        payment_method_options: hash,
        client_secret: str,
      },
      ctx.params,
    );
    const si = requireSetupIntent(ctx, ctx.path[0]!);
    setPm(ctx, si, p);
    confirmSetup(ctx, si, p.return_url ?? null);
    return si;
  });
  r.post('/v1/setup_intents/:id/cancel', (ctx) => {
    const p = validate(
      { cancellation_reason: enm('abandoned', 'duplicate', 'requested_by_customer') },
      ctx.params,
    );
    const si = requireSetupIntent(ctx, ctx.path[0]!);
    if (si.status === 'succeeded' || si.status === 'canceled') {
      throw invalidRequest(
        `You cannot cancel this SetupIntent because it has a status of ${si.status}.`,
        undefined,
        'setup_intent_unexpected_state',
      );
    }
    const prev = { status: si.status };
    si.status = 'canceled';
    si.cancellation_reason = p.cancellation_reason ?? 'requested_by_customer';
    ctx.app.store.changed();
    emit(ctx, 'setup_intent.canceled', si, { previous: prev });
    return si;
  });
  r.get('/v1/setup_intents', (ctx) => {
    const p = validate(
      { ...listParams, customer: str, payment_method: str, attach_to_self: bool },
      ctx.params,
    );
    return paginate(ctx.app.store.list(ctx.account, 'setup_intent'), p, '/v1/setup_intents', (s) =>
      matchesSent(s, p, ['customer', 'payment_method']),
    );
  });
}
