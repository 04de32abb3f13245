// Connected accounts: type express|standard|custom or `controller` properties (never both), requirements
// that follow onboarding, capabilities, reject, delete, external accounts, login links (Express only).
import type { App, Ctx } from '../app.ts';
import { bankAccount } from '../connect/external_accounts.ts';
import {
  capabilityObject,
  emptyRequirements,
  infoOf,
  providedFrom,
  recompute,
} from '../connect/requirements.ts';
import { changes, emit, snapshot } from '../events.ts';
import type { Account, AccountController } from '../objects/connect.ts';
import type { Router } from '../router.ts';
import { tokens } from '../wire/auth.ts';
import { invalidRequest, notFound, StripeError } from '../wire/errors.ts';
import { newId, nowSeconds, randomString } from '../wire/ids.ts';
import { paginate } from '../wire/list.ts';
import {
  any,
  bool,
  boolOf,
  enm,
  hash,
  isPlain,
  listParams,
  type MetadataParam,
  mergeMetadata,
  metadata,
  obj,
  type Params,
  str,
  type Valid,
  validate,
} from '../wire/schema.ts';

const controllerShape = obj({
  fees: obj({ payer: enm('account', 'application') }),
  losses: obj({ payments: enm('application', 'stripe') }),
  requirement_collection: enm('application', 'stripe'),
  stripe_dashboard: obj({ type: enm('express', 'full', 'none') }),
});

const updateShape = {
  account_token: str,
  business_profile: hash,
  business_type: enm('company', 'government_entity', 'individual', 'non_profit'),
  capabilities: hash,
  company: hash,
  default_currency: str,
  documents: hash,
  email: str,
  external_account: any,
  groups: hash,
  individual: hash,
  metadata,
  settings: hash,
  tos_acceptance: obj({ date: any, ip: str, user_agent: str, service_agreement: str }),
};

const createShape = {
  ...updateShape,
  type: enm('custom', 'express', 'standard'),
  controller: controllerShape,
  country: str,
};

/** Account params as applyAccountParams reads them: the validated create/update params, or the hosted
 * onboarding form's; every key provided counts for the requirements (`providedFrom`). */
export interface AccountParams {
  email?: string | null;
  business_type?: string | null;
  default_currency?: string | null;
  metadata?: MetadataParam;
  business_profile?: Params | null;
  settings?: Params | null;
  tos_acceptance?: { date?: unknown; ip?: unknown; user_agent?: unknown } | null;
  capabilities?: Params | null;
  external_account?: unknown;
  [key: string]: unknown;
}

export function resolveController(
  type: string | null,
  c: Valid<{ controller: typeof controllerShape }>['controller'] | null,
): { type: string; controller: AccountController } {
  if (type && c) {
    throw invalidRequest(
      'You cannot specify both `type` and `controller` when creating an account. Use `controller` ' +
        'properties on their own to describe the account.',
      'controller',
    );
  }
  const preset = (t: string): AccountController =>
    t === 'express'
      ? {
          fees: { payer: 'application_express' },
          is_controller: true,
          losses: { payments: 'application' },
          requirement_collection: 'stripe',
          stripe_dashboard: { type: 'express' },
          type: 'application',
        }
      : t === 'custom'
        ? {
            fees: { payer: 'application_custom' },
            is_controller: true,
            losses: { payments: 'application' },
            requirement_collection: 'application',
            stripe_dashboard: { type: 'none' },
            type: 'application',
          }
        : {
            fees: { payer: 'account' },
            is_controller: true,
            losses: { payments: 'stripe' },
            requirement_collection: 'stripe',
            stripe_dashboard: { type: 'full' },
            type: 'application',
          };
  if (!c) return { type: type ?? 'standard', controller: preset(type ?? 'standard') };
  const payer = c.fees?.payer ?? 'account';
  const losses = c.losses?.payments ?? (payer === 'application' ? 'application' : 'stripe');
  const collection = c.requirement_collection ?? 'stripe';
  const dashboard = c.stripe_dashboard?.type ?? (collection === 'application' ? 'none' : 'full');
  if (
    collection === 'application' &&
    (dashboard !== 'none' || payer !== 'application' || losses !== 'application')
  ) {
    throw invalidRequest(
      'When `controller.requirement_collection` is `application`, `controller.stripe_dashboard.type` must be ' +
        '`none` and the platform must pay fees and be liable for losses.',
      'controller[requirement_collection]',
    );
  }
  if (dashboard !== 'full' && (payer !== 'application' || losses !== 'application')) {
    throw invalidRequest(
      `When \`controller.stripe_dashboard.type\` is \`${dashboard}\`, \`controller.fees.payer\` must be ` +
        '`application` and `controller.losses.payments` must be `application`.',
      'controller[stripe_dashboard][type]',
    );
  }
  const kind =
    dashboard === 'full' && payer === 'account' && losses === 'stripe'
      ? 'standard'
      : dashboard === 'express' && collection === 'stripe'
        ? 'express'
        : dashboard === 'none' && collection === 'application'
          ? 'custom'
          : 'none';
  return {
    type: kind,
    controller: {
      fees: { payer },
      is_controller: true,
      losses: { payments: losses },
      requirement_collection: collection,
      stripe_dashboard: { type: dashboard },
      type: 'application',
    },
  };
}

export function accountObject(_app: App, id: string, type: string, controller: AccountController): Account {
  return {
    id,
    object: 'account',
    business_profile: {
      annual_revenue: null,
      estimated_worker_count: null,
      mcc: null,
      minority_owned_business_designation: null,
      name: null,
      product_description: null,
      support_address: null,
      support_email: null,
      support_phone: null,
      support_url: null,
      url: null,
    },
    business_type: null,
    capabilities: {},
    charges_enabled: false,
    controller,
    country: 'US',
    created: nowSeconds(),
    default_currency: 'usd',
    details_submitted: false,
    email: null,
    external_accounts: {
      object: 'list',
      data: [],
      has_more: false,
      url: `/v1/accounts/${id}/external_accounts`,
    },
    future_requirements: emptyRequirements(),
    metadata: {},
    payouts_enabled: false,
    requirements: emptyRequirements(),
    settings: {
      bacs_debit_payments: { display_name: null, service_user_number: null },
      branding: { icon: null, logo: null, primary_color: null, secondary_color: null },
      card_issuing: { tos_acceptance: { date: null, ip: null } },
      card_payments: {
        decline_on: { avs_failure: false, cvc_failure: false },
        statement_descriptor_prefix: null,
        statement_descriptor_prefix_kana: null,
        statement_descriptor_prefix_kanji: null,
      },
      dashboard: { display_name: null, timezone: 'Etc/UTC' },
      invoices: { default_account_tax_ids: null, hosted_payment_method_save: 'offer' },
      payments: {
        statement_descriptor: null,
        statement_descriptor_kana: null,
        statement_descriptor_kanji: null,
        statement_descriptor_prefix_kana: null,
        statement_descriptor_prefix_kanji: null,
      },
      payouts: {
        debit_negative_balances: true,
        schedule: { delay_days: 2, interval: 'daily' },
        statement_descriptor: null,
      },
      sepa_debit_payments: {},
    },
    tos_acceptance: { date: null, ip: null, user_agent: null },
    type,
  };
}

/** Deep-merge params into a free-form hash of the account (`business_profile`, `settings`). */
function merge(target: object, src: Params): void {
  for (const [k, v] of Object.entries(src)) {
    const current: unknown = Reflect.get(target, k);
    if (isPlain(v) && current && typeof current === 'object') merge(current, v);
    else Reflect.set(target, k, v === '' ? null : v);
  }
}

/** Apply account params (create or update) and remember what was provided for the requirements. */
export function applyAccountParams(ctx: Ctx, acct: Account, p: AccountParams): void {
  if (p.email !== undefined) acct.email = p.email;
  if (p.business_type !== undefined) acct.business_type = p.business_type;
  if (p.default_currency) acct.default_currency = p.default_currency.toLowerCase();
  if (p.metadata !== undefined) acct.metadata = mergeMetadata(acct.metadata, p.metadata);
  if (p.business_profile) merge(acct.business_profile, p.business_profile);
  if (p.settings) merge(acct.settings, p.settings);
  if (p.tos_acceptance) {
    const t = p.tos_acceptance;
    const tos = acct.tos_acceptance;
    if (t.date != null) tos.date = Number(t.date);
    if (t.ip != null) tos.ip = t.ip;
    if (t.user_agent != null) tos.user_agent = t.user_agent;
  }
  const caps = p.capabilities;
  if (caps) {
    const current = acct.capabilities;
    for (const [name, v] of Object.entries(caps)) {
      const requested = isPlain(v) ? boolOf(v.requested) : undefined;
      if (requested === true) current[name] = current[name] ?? 'inactive';
      else if (requested === false) delete current[name];
    }
  }
  if (p.external_account) acct.external_accounts.data = [bankAccount(acct.id, p.external_account)];
  const info = infoOf(ctx, acct.id);
  const provided = new Set(info.provided);
  for (const f of providedFrom(p)) provided.add(f);
  info.provided = [...provided];
}

export function requireAccount(ctx: Ctx, id: string): Account {
  const platform = ctx.app.config.platformAccountId;
  if (id === ctx.account && !ctx.platform) {
    const self = ctx.app.store.get(platform, id, 'account');
    if (self) return self;
  }
  const acct = ctx.platform ? ctx.app.store.get(platform, id, 'account') : undefined;
  if (!acct) {
    throw new StripeError(404, {
      type: 'invalid_request_error',
      code: 'account_invalid',
      doc_url: 'https://stripe.com/docs/error-codes/account-invalid',
      message: `The provided key does not have access to account '${id}' (or that account does not exist). Application access may have been revoked.`,
      param: 'account',
    });
  }
  return acct;
}

function create(ctx: Ctx): Account {
  if (!ctx.platform) {
    throw invalidRequest('Only platforms can create connected accounts.', undefined, undefined, 403);
  }
  const p = validate(createShape, ctx.params);
  const { type, controller } = resolveController(p.type ?? null, p.controller ?? null);
  const acct = accountObject(ctx.app, newId('acct'), type, controller);
  if (p.country) acct.country = p.country.toUpperCase();
  if (!p.capabilities) acct.capabilities = { card_payments: 'inactive', transfers: 'inactive' };
  applyAccountParams(ctx, acct, p);
  ctx.app.store.insert(ctx.account, acct);
  recompute(ctx, acct, false);
  return acct;
}

function update(ctx: Ctx): Account {
  const p = validate(updateShape, ctx.params);
  const acct = requireAccount(ctx, ctx.path[0]!);
  const before = snapshot(acct);
  applyAccountParams(ctx, acct, p);
  recompute(ctx, acct, false);
  const prev = changes(before, acct);
  if (Object.keys(prev).length) emit(ctx, 'account.updated', acct, { owner: acct.id, previous: prev });
  return acct;
}

export function platformAccount(app: App): Account {
  return app.store.get(app.config.platformAccountId, app.config.platformAccountId, 'platform_account')!;
}

export function registerAccounts(r: Router): void {
  r.post('/v1/accounts', create);
  r.get('/v1/account', (ctx) => {
    validate({}, ctx.params);
    return ctx.platform ? platformAccount(ctx.app) : requireAccount(ctx, ctx.account);
  });
  r.get('/v1/accounts/:id', (ctx) => {
    validate({}, ctx.params);
    if (ctx.path[0] === ctx.app.config.platformAccountId && ctx.platform) return platformAccount(ctx.app);
    return requireAccount(ctx, ctx.path[0]!);
  });
  r.post('/v1/accounts/:id', update);
  r.get('/v1/accounts', (ctx) => {
    const p = validate(listParams, ctx.params);
    return paginate(ctx.app.store.list(ctx.account, 'account'), p, '/v1/accounts');
  });
  r.delete('/v1/accounts/:id', (ctx) => {
    validate({}, ctx.params);
    const acct = requireAccount(ctx, ctx.path[0]!);
    ctx.app.store.remove(acct.id);
    for (const t of tokens(ctx.app).values()) if (t.account === acct.id) t.revoked = true;
    return { id: acct.id, object: 'account', deleted: true };
  });
  r.post('/v1/accounts/:id/reject', (ctx) => {
    const p = validate({ reason: str }, ctx.params, ['reason']);
    const acct = requireAccount(ctx, ctx.path[0]!);
    const losses = acct.controller.losses?.payments;
    if (losses !== 'application') {
      throw invalidRequest(
        'You can only reject accounts for which your platform is liable for negative balances.',
        undefined,
        'account_invalid',
      );
    }
    if (!['fraud', 'terms_of_service', 'other'].includes(String(p.reason))) {
      throw invalidRequest('Invalid reason: must be one of fraud, terms_of_service, other', 'reason');
    }
    infoOf(ctx, acct.id).rejected = String(p.reason);
    recompute(ctx, acct);
    acct.charges_enabled = false;
    acct.payouts_enabled = false;
    return acct;
  });
  r.get('/v1/accounts/:id/capabilities', (ctx) => {
    validate({}, ctx.params);
    const acct = requireAccount(ctx, ctx.path[0]!);
    const data = Object.keys(acct.capabilities).map((n) => capabilityObject(acct, n));
    return { object: 'list', data, has_more: false, url: `/v1/accounts/${acct.id}/capabilities` };
  });
  r.get('/v1/accounts/:id/capabilities/:cap', (ctx) => {
    validate({}, ctx.params);
    const acct = requireAccount(ctx, ctx.path[0]!);
    if (!(ctx.path[1]! in acct.capabilities)) throw notFound('capability', ctx.path[1]!);
    return capabilityObject(acct, ctx.path[1]!);
  });
  r.post('/v1/accounts/:id/capabilities/:cap', (ctx) => {
    const p = validate({ requested: bool }, ctx.params);
    const acct = requireAccount(ctx, ctx.path[0]!);
    const caps = acct.capabilities;
    if (p.requested === true) caps[ctx.path[1]!] = caps[ctx.path[1]!] ?? 'inactive';
    if (p.requested === false) delete caps[ctx.path[1]!];
    recompute(ctx, acct);
    return capabilityObject(acct, ctx.path[1]!);
  });
  r.post('/v1/accounts/:id/external_accounts', (ctx) => {
    const p = validate({ external_account: any, default_for_currency: bool, metadata }, ctx.params, [
      'external_account',
    ]);
    const acct = requireAccount(ctx, ctx.path[0]!);
    applyAccountParams(ctx, acct, { external_account: p.external_account });
    recompute(ctx, acct);
    return acct.external_accounts.data[0];
  });
  r.get('/v1/accounts/:id/external_accounts', (ctx) => {
    validate({ ...listParams, object: str }, ctx.params);
    const acct = requireAccount(ctx, ctx.path[0]!);
    return acct.external_accounts;
  });
  r.post('/v1/accounts/:id/login_links', (ctx) => {
    validate({}, ctx.params);
    const acct = requireAccount(ctx, ctx.path[0]!);
    const dashboard = acct.controller.stripe_dashboard?.type ?? '';
    if (dashboard !== 'express') {
      throw invalidRequest(
        'Cannot create a login link for an account that does not have access to the Express Dashboard.',
        'account',
      );
    }
    const token = randomString(24);
    ctx.app.store
      .table<{ account: string; used: boolean }>('login_links')
      .set(token, { account: acct.id, used: false });
    return {
      object: 'login_link',
      created: nowSeconds(),
      url: `${ctx.app.config.publicUrl}/express/${acct.id}/${token}`,
    };
  });
}
