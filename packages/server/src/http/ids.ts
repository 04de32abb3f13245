import { ApiError } from './errors.ts';

/** Public id prefixes. Inside the database every key is a uuid; the API shows `<prefix>_<32 hex>`. */
export const idPrefixes = {
  tenant: 'ten',
  user: 'usr',
  apiKey: 'key',
  audit: 'aud',
  dashboardLink: 'dl',
  webhookEndpoint: 'whe',
  outboundEvent: 'oevt',
  outboundAttempt: 'whatt',
  // Payments (issue 8): our own prefixes, distinct from Stripe's (cus_, pm_, pi_, re_, dp_)
  customer: 'cust',
  paymentMethod: 'cpm',
  payment: 'pay',
  refund: 'rfd',
  dispute: 'dsp',
  // Invoices and subscriptions (issue 8): distinct from Stripe's in_, sub_, prod_, price_
  invoice: 'inv',
  subscription: 'subs',
  product: 'prd',
  price: 'prc',
} as const;
export type IdKind = keyof typeof idPrefixes;

const uuidRe = /^([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})$/i;

export function toPublicId(kind: IdKind, uuid: string): string {
  return `${idPrefixes[kind]}_${uuid.replaceAll('-', '')}`;
}

/** The uuid behind a public id, or null when it is not a well-formed id of that kind. */
export function fromPublicId(kind: IdKind, publicId: string): string | null {
  const prefix = `${idPrefixes[kind]}_`;
  if (!publicId.startsWith(prefix)) return null;
  const m = uuidRe.exec(publicId.slice(prefix.length));
  return m ? `${m[1]}-${m[2]}-${m[3]}-${m[4]}-${m[5]}`.toLowerCase() : null;
}

/**
 * Parses a path id. A malformed id is reported exactly like an id that does not exist (404), so a caller
 * learns nothing from the difference.
 */
/** The tenant a tenant route's `:id` names (`/v1/tenants/:id/…`). */
export const tenantOf = (publicId: string): string => parsePathId('tenant', publicId);

export function parsePathId(kind: IdKind, publicId: string, what = kind as string): string {
  const id = fromPublicId(kind, publicId);
  if (!id) throw ApiError.notFound(what, publicId);
  return id;
}
