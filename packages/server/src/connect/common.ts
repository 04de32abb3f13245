import { randomBytes } from 'node:crypto';
import type { Jobs } from '../jobs/boss.ts';
import type { Stripe, StripeRef } from '../stripe/client.ts';

/** What the connect service needs beyond the request context. */
export interface ConnectDeps {
  stripe: StripeRef;
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
