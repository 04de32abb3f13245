import type { Config } from '../../config.ts';
import { asUuid, type TenantId } from '../../http/ids.ts';
import { hmacSign, safeEqual } from '../../secrets.ts';

// The recovery page's link: a token signed with the server's key (TOKEN_SIGNING_SECRETS) naming one tenant and
// its expiry, so the dunning e-mails can carry one without a row per e-mail. It grants only what the recovery
// routes do with it (routes.ts): the invoices its dunning case owes, paying them, adding a card. Nothing else
// accepts it: the API's authentication takes API keys and sessions, never this.
//
//   rcv_<tenant uuid, 32 hex>.<expiry, Unix seconds in base 36>.<HMAC-SHA256, base64url>

/** How long an e-mailed recovery link works: a dunning e-mail may be read days after it was sent. */
export const RECOVERY_TOKEN_DAYS = 30;

const shape = /^rcv_([0-9a-f]{32})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{43})$/;

const claims = (hex: string, exp: string) => `tributary.recovery:${hex}:${exp}`;

const uuidOf = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/** A token for `tenantId`, valid `RECOVERY_TOKEN_DAYS` from `now` (or until `expiresAt`, Unix seconds). */
export function recoveryToken(
  config: Pick<Config, 'signingSecrets'>,
  tenantId: string,
  opts: { now?: Date; expiresAt?: number } = {},
): string {
  const now = opts.now ?? new Date();
  const expiresAt = opts.expiresAt ?? Math.floor(now.getTime() / 1000) + RECOVERY_TOKEN_DAYS * 86_400;
  const hex = tenantId.replaceAll('-', '').toLowerCase();
  const exp = expiresAt.toString(36);
  return `rcv_${hex}.${exp}.${hmacSign(config.signingSecrets[0]!, claims(hex, exp))}`;
}

/**
 * The recovery page of `tenantId` with a fresh token, and when it ends: the link dunning e-mails and the
 * dashboard give. The token is in the URL's fragment, which browsers never send (no server log, no Referer
 * holds it); the page takes it from there into its tab's sessionStorage and off the address bar.
 */
export function recoveryLink(
  config: Pick<Config, 'signingSecrets' | 'publicUrl'>,
  tenantId: string,
  now = new Date(),
): { url: string; expiresAt: number } {
  const expiresAt = Math.floor(now.getTime() / 1000) + RECOVERY_TOKEN_DAYS * 86_400;
  const token = recoveryToken(config, tenantId, { expiresAt });
  return { url: `${config.publicUrl}/recover#token=${token}`, expiresAt };
}

export const recoveryUrl = (config: Pick<Config, 'signingSecrets' | 'publicUrl'>, tenantId: string): string =>
  recoveryLink(config, tenantId).url;

export type TokenCheck =
  | { kind: 'valid'; tenantId: TenantId; expiresAt: number }
  | { kind: 'expired' }
  | { kind: 'invalid' };

/**
 * What a presented token proves. `expired` only for a token this server signed (a forged one is `invalid`
 * whatever its date); any of the configured keys verifies, so a key can be rotated.
 */
export function checkRecoveryToken(
  config: Pick<Config, 'signingSecrets'>,
  token: string,
  now = new Date(),
): TokenCheck {
  const m = shape.exec(token);
  if (!m) return { kind: 'invalid' };
  const [, hex, exp, sig] = m as unknown as [string, string, string, string];
  const message = claims(hex, exp);
  if (!config.signingSecrets.some((key) => safeEqual(hmacSign(key, message), sig)))
    return { kind: 'invalid' };
  const expiresAt = Number.parseInt(exp, 36);
  if (expiresAt * 1000 <= now.getTime()) return { kind: 'expired' };
  return { kind: 'valid', tenantId: asUuid('tenant', uuidOf(hex)), expiresAt };
}
