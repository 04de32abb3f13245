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
  // Payments: our own prefixes, distinct from Stripe's (cus_, pm_, pi_, re_, dp_)
  customer: 'cust',
  paymentMethod: 'cpm',
  payment: 'pay',
  refund: 'rfd',
  dispute: 'dsp',
  // Invoices and subscriptions: distinct from Stripe's in_, sub_, prod_, price_
  invoice: 'inv',
  subscription: 'subs',
  product: 'prd',
  price: 'prc',
  // Notifications (the e-mail outbox)
  notification: 'ntf',
  // Platform billing of tenants: its plans and the usage alerts they raise
  plan: 'plan',
  usageAlert: 'ualrt',
  quote: 'quo',
  dunningCase: 'dun',
} as const;
export type IdKind = keyof typeof idPrefixes;

declare const uuidOf: unique symbol;
declare const publicIdOf: unique symbol;
/**
 * A row's internal key (a uuid) and the id the API shows for it are both strings; these brands keep them
 * apart, so one can never be passed where the other is expected. `Uuid<'tenant'>` is still a string: rows,
 * SQL and logs take it as it is.
 */
export type Uuid<K extends IdKind> = string & { readonly [uuidOf]: K };
export type PublicId<K extends IdKind> = string & { readonly [publicIdOf]: K };
export type TenantId = Uuid<'tenant'>;
export type TenantPublicId = PublicId<'tenant'>;

/** A key read from our own rows (never from a request: parse those with fromPublicId/parsePathId). */
export function asUuid<K extends IdKind>(_kind: K, uuid: string): Uuid<K> {
  return uuid as Uuid<K>;
}

const uuidRe = /^([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})$/i;

export function toPublicId<K extends IdKind>(kind: K, uuid: string): PublicId<K> {
  return `${idPrefixes[kind]}_${uuid.replaceAll('-', '')}` as PublicId<K>;
}

/** The uuid behind a public id, or null when it is not a well-formed id of that kind. */
export function fromPublicId<K extends IdKind>(kind: K, publicId: string): Uuid<K> | null {
  const prefix = `${idPrefixes[kind]}_`;
  if (!publicId.startsWith(prefix)) return null;
  const m = uuidRe.exec(publicId.slice(prefix.length));
  return m ? (`${m[1]}-${m[2]}-${m[3]}-${m[4]}-${m[5]}`.toLowerCase() as Uuid<K>) : null;
}

/**
 * Parses a path id. A malformed id is reported exactly like an id that does not exist (404), so a caller
 * learns nothing from the difference.
 */
export function parsePathId<K extends IdKind>(kind: K, publicId: string, what: string = kind): Uuid<K> {
  const id = fromPublicId(kind, publicId);
  if (!id) throw ApiError.notFound(what, publicId);
  return id;
}
