import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { PreviousSecret } from '../../db/schema/index.ts';

/** A new endpoint secret in Standard Webhooks' form: `whsec_` + base64 of 32 random bytes. */
export function newEndpointSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * The Standard Webhooks headers for one attempt. During a rotation's grace period the payload is signed
 * with both secrets (space-separated signatures), so the app can switch secrets at its own pace.
 */
export function signedHeaders(
  msgId: string,
  payload: string,
  secrets: readonly string[],
  at = new Date(),
): Record<string, string> {
  const signature = secrets.map((s) => new Webhook(s).sign(msgId, at, payload)).join(' ');
  return {
    'content-type': 'application/json',
    'user-agent': 'Tributary-Webhooks/1',
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  };
}

/** The replaced secrets still in their grace period. */
export function liveSecrets(previous: PreviousSecret[], now = new Date()): PreviousSecret[] {
  return previous.filter((p) => new Date(p.expires_at) > now);
}
