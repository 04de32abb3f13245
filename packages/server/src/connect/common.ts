import { randomBytes } from 'node:crypto';
import type { Jobs } from '../jobs/boss.ts';
import type { StripeRef } from '../stripe/client.ts';

/** What the connect service needs beyond the request context. */
export interface ConnectDeps {
  stripe: StripeRef;
  jobs(): Promise<Jobs>;
}

export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;
/** How long Tributary's onboarding return/refresh URLs keep working (each link call issues a new token). */
export const LINK_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

export { sha256 } from '../auth/secrets.ts';
export const newToken = (): string => randomBytes(32).toString('base64url');
