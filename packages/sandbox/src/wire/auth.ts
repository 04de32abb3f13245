// Authentication: any `sk_test_…`/`rk_test_…` key is the platform; an OAuth access token acts as the
// connected account's own key. `Stripe-Account` scopes the request to a connected account.
import type { App } from '../app.ts';
import { StripeError } from './errors.ts';

export interface AccessToken {
  account: string;
  scope: string;
  revoked: boolean;
}

const NO_KEY =
  'You did not provide an API key. You need to provide your API key in the Authorization header, using ' +
  "Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication " +
  'for details, or we can help at https://support.stripe.com/.';

export function mask(key: string): string {
  return key.length <= 12 ? key : `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}`;
}

function unauthorized(message: string): StripeError {
  return new StripeError(
    401,
    { type: 'invalid_request_error', message },
    { headers: { 'WWW-Authenticate': 'Basic realm="Stripe"' }, save: false },
  );
}

export function apiKeyOf(header: string | undefined): string {
  if (!header) throw unauthorized(NO_KEY);
  const [scheme, value = ''] = header.trim().split(/\s+/, 2);
  let key = '';
  if (scheme?.toLowerCase() === 'bearer') key = value;
  else if (scheme?.toLowerCase() === 'basic') {
    key = Buffer.from(value, 'base64').toString('utf8').split(':')[0] ?? '';
  } else throw unauthorized(`Invalid API Key provided: ${mask(header)}`);
  if (!key) throw unauthorized(NO_KEY);
  return key;
}

export function tokens(app: App): Map<string, AccessToken> {
  return app.store.table<AccessToken>('access_tokens');
}

/** The account a key acts as, before `Stripe-Account`. */
export function accountForKey(app: App, key: string): string {
  const token = tokens(app).get(key);
  if (token) {
    if (token.revoked)
      throw unauthorized(`Expired API Key provided: ${mask(key)}. Application access may have been revoked.`);
    return token.account;
  }
  if (/^(sk|rk)_test_[A-Za-z0-9_]+$/.test(key)) return app.config.platformAccountId;
  throw unauthorized(`Invalid API Key provided: ${mask(key)}`);
}

export function isConnected(app: App, account: string): boolean {
  const acct = app.store.get(app.config.platformAccountId, account, 'account');
  if (!acct) return false;
  return !app.store.table<boolean>('deauthorized').get(account);
}

export function scopeAccount(app: App, key: string, base: string, header: string | undefined): string {
  if (!header || header === base) return base;
  const denied = new StripeError(
    403,
    {
      type: 'invalid_request_error',
      code: 'account_invalid',
      doc_url: 'https://stripe.com/docs/error-codes/account-invalid',
      message:
        `The provided key '${mask(key)}' does not have access to account '${header}' (or that account ` +
        'does not exist). Application access may have been revoked.',
    },
    { save: false },
  );
  if (base !== app.config.platformAccountId) throw denied;
  if (!isConnected(app, header)) throw denied;
  return header;
}
