import { randomBytes } from 'node:crypto';
import { ApiError } from '../http/errors.ts';
import type { Jobs } from '../jobs/boss.ts';
import type { Stripe, StripeRef } from '../stripe/client.ts';

/** What the connect service needs beyond the request context. */
export interface ConnectDeps {
  stripe: StripeRef;
  /** Awaited before a transaction opens, never inside one (see AppServices). */
  jobs(): Promise<Jobs>;
}

/** A connected account as Stripe has it now (read from the platform). */
export function retrieveAccount(deps: Pick<ConnectDeps, 'stripe'>, id: string): Promise<Stripe.Account> {
  return deps.stripe.call(
    { action: 'retrieve the account', account: null, movesMoney: false },
    (stripe, opts) => stripe.accounts.retrieve(id, {}, opts),
  );
}

export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;
/** How long Tributary's onboarding return/refresh URLs keep working (each link call issues a new token). */
export const LINK_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

export { sha256 } from '../secrets.ts';
export const newToken = (): string => randomBytes(32).toString('base64url');

export function notConnected(): ApiError {
  return new ApiError(
    'account_not_connected',
    'The tenant has no connected Stripe account. Create one with POST /v1/tenants/{id}/connect/account.',
  );
}
