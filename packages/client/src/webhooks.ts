import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/** An outbound event of Tributary's as your endpoint receives it (docs/webhooks.md, "Outbound webhooks"). */
export interface TributaryEvent<T = Record<string, unknown>> {
  id: string;
  type: string;
  created: number;
  tenant: string | null;
  data: T;
  [key: string]: unknown;
}

export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError';
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string {
  if (headers instanceof Headers) return headers.get(name) ?? '';
  const v = headers[name] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/**
 * Verifies a delivery of Tributary's outbound webhooks (Standard Webhooks: `webhook-id`,
 * `webhook-timestamp`, `webhook-signature`) against the endpoint's secret (`whsec_…`) and returns the event.
 * `payload` must be the raw body as received, not re-serialized JSON. During a secret rotation's grace
 * period either secret verifies. Throws WebhookSignatureError when the signature does not match or the
 * timestamp is more than five minutes away from now (a replay).
 */
export function verifyWebhook<T = Record<string, unknown>>(
  payload: string | Buffer,
  headers: HeaderBag,
  secret: string,
): TributaryEvent<T> {
  const body = typeof payload === 'string' ? payload : payload.toString('utf8');
  try {
    return new Webhook(secret).verify(body, {
      'webhook-id': header(headers, 'webhook-id'),
      'webhook-timestamp': header(headers, 'webhook-timestamp'),
      'webhook-signature': header(headers, 'webhook-signature'),
    }) as TributaryEvent<T>;
  } catch (err) {
    if (err instanceof WebhookVerificationError) throw new WebhookSignatureError(err.message);
    throw err;
  }
}
