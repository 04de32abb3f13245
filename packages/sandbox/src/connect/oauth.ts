// OAuth for Standard accounts: codes minted by the consent page, `POST /oauth/token` (authorization_code
// and refresh_token grants) and `POST /oauth/deauthorize`, with errors worded as Stripe does.
import type { App, Ctx } from '../app.ts';
import { systemCtx } from '../app.ts';
import { emitEvent } from '../events.ts';
import { accountObject } from '../resources/accounts.ts';
import type { Router } from '../router.ts';
import { tokens } from '../wire/auth.ts';
import { oauthError } from '../wire/errors.ts';
import { newId, nowSeconds, randomString } from '../wire/ids.ts';
import { infoOf, providedFrom, recompute, requiredFor } from './requirements.ts';

export interface OAuthCode {
  account: string;
  scope: string;
  redirect_uri: string | null;
  expires_at: number;
  used: boolean;
}

interface RefreshToken {
  account: string;
  scope: string;
}

export function codes(app: App) {
  return app.store.table<OAuthCode>('oauth_codes');
}

function application(app: App) {
  return { id: app.config.connectClientId, object: 'application', name: app.config.platformName };
}

/** The consent page approved: create (or reconnect) a fully onboarded Standard account and mint a code. */
export function approve(
  app: App,
  scope: string,
  redirectUri: string | null,
  email: string | null,
  existing?: string,
): string {
  const platform = app.config.platformAccountId;
  const ctx = systemCtx(app, platform);
  let acct = existing ? app.store.get(platform, existing, 'account') : undefined;
  if (!acct) {
    acct = accountObject(app, newId('acct'), 'standard', { is_controller: false, type: 'account' });
    acct.capabilities = { card_payments: 'inactive', transfers: 'inactive' };
    acct.email = email;
    acct.business_type = 'individual';
    app.store.insert(platform, acct);
    const info = infoOf(ctx, acct.id);
    info.provided = requiredFor(acct);
    info.submitted = true;
    void providedFrom;
    recompute(ctx, acct, false);
  }
  app.store.table<boolean>('deauthorized').delete(acct.id);
  const code = `ac_${randomString(32)}`;
  codes(app).set(code, {
    account: acct.id,
    scope,
    redirect_uri: redirectUri,
    expires_at: nowSeconds() + 300,
    used: false,
  });
  emitEvent(app, null, acct.id, 'account.application.authorized', application(app));
  app.store.changed();
  return code;
}

interface OAuthToken {
  id: string;
  object: 'oauth_token';
  access_token: string;
  livemode: boolean;
  refresh_token: string;
  scope: string;
  stripe_publishable_key: string;
  stripe_user_id: string;
  token_type: string;
}

/** The OAuth endpoints read their form fields as sent (Stripe validates none beyond what they need). */
function fields(ctx: Ctx): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(ctx.params)) if (typeof v === 'string') out[k] = v;
  return out;
}

function issue(app: App, account: string, scope: string): OAuthToken {
  const access = `sk_test_oauth_${randomString(24)}`;
  const refresh = `rt_${randomString(32)}`;
  tokens(app).set(access, { account, scope, revoked: false });
  app.store.table<RefreshToken>('refresh_tokens').set(refresh, { account, scope });
  app.store.changed();
  return {
    id: account,
    object: 'oauth_token',
    access_token: access,
    livemode: false,
    refresh_token: refresh,
    scope,
    stripe_publishable_key: `pk_test_${randomString(24)}`,
    stripe_user_id: account,
    token_type: 'bearer',
  };
}

function token(ctx: Ctx): OAuthToken {
  const { app } = ctx;
  const p = fields(ctx);
  if (!ctx.platform) throw oauthError('invalid_client', 'Only the platform can exchange OAuth codes.', 401);
  const grant = p.grant_type;
  if (!grant) throw oauthError('invalid_request', 'No grant type specified');
  if (grant === 'refresh_token') {
    if (!p.refresh_token) throw oauthError('invalid_request', 'No refresh token provided');
    const rt = app.store.table<RefreshToken>('refresh_tokens').get(p.refresh_token);
    if (!rt || app.store.table<boolean>('deauthorized').get(rt.account)) {
      throw oauthError('invalid_grant', `Invalid refresh token: ${p.refresh_token}`);
    }
    return issue(app, rt.account, p.scope ?? rt.scope);
  }
  if (grant !== 'authorization_code')
    throw oauthError('unsupported_grant_type', `Unsupported grant type: ${grant}`);
  if (!p.code) throw oauthError('invalid_request', 'No authorization code provided');
  const code = codes(app).get(p.code);
  if (!code) throw oauthError('invalid_grant', `Authorization code does not exist: ${p.code}`);
  if (code.used) {
    for (const t of tokens(app).values()) if (t.account === code.account) t.revoked = true;
    throw oauthError(
      'invalid_grant',
      'This authorization code has already been used. All tokens issued with this code have been revoked.',
    );
  }
  if (code.expires_at < nowSeconds())
    throw oauthError('invalid_grant', `Authorization code expired: ${p.code}`);
  if (p.redirect_uri && code.redirect_uri && p.redirect_uri !== code.redirect_uri) {
    throw oauthError(
      'invalid_redirect_uri',
      `Invalid redirect URI '${p.redirect_uri}'. Ensure this uri exactly matches the redirect_uri used to obtain the authorization code.`,
    );
  }
  code.used = true;
  return issue(app, code.account, code.scope);
}

function deauthorize(ctx: Ctx): { stripe_user_id: string } {
  const { app } = ctx;
  const p = fields(ctx);
  if (!p.client_id) throw oauthError('invalid_request', 'No client_id provided');
  if (p.client_id !== app.config.connectClientId) {
    throw oauthError('invalid_client', `No such application: '${p.client_id}'`, 401);
  }
  if (!p.stripe_user_id) throw oauthError('invalid_request', 'No stripe_user_id provided');
  const acct = app.store.get(app.config.platformAccountId, p.stripe_user_id, 'account');
  if (!acct || app.store.table<boolean>('deauthorized').get(acct.id)) {
    throw oauthError(
      'invalid_client',
      `This application is not connected to stripe account ${p.stripe_user_id}, or that account does not exist.`,
      401,
    );
  }
  app.store.table<boolean>('deauthorized').set(acct.id, true);
  for (const t of tokens(app).values()) if (t.account === acct.id) t.revoked = true;
  emitEvent(
    app,
    ctx.requestId ? { id: ctx.requestId, key: ctx.idempotencyKey } : null,
    acct.id,
    'account.application.deauthorized',
    application(app),
  );
  app.store.changed();
  return { stripe_user_id: acct.id };
}

export function registerOAuth(r: Router): void {
  r.post('/oauth/token', token);
  r.post('/oauth/deauthorize', deauthorize);
}
