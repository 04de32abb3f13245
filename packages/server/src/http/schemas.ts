import { z } from 'zod';
import { amountRangeRule, amountStepOf, isStripeCurrency, stepRule } from '../currency.ts';
import { roles } from '../db/schema/index.ts';
import { ApiError } from './errors.ts';
import { fromPublicId, type IdKind } from './ids.ts';
import type { listQuerySchema } from './pagination.ts';

/**
 * Keys Tributary writes on Stripe objects to name its own rows (`tributary_customer`, …), in any letter case:
 * a caller who could set one could point a webhook at another row, so none is accepted.
 */
export const isReservedMetadataKey = (key: string): boolean => /^tributary_/i.test(key);

/** Metadata as Stripe limits it: up to 50 keys of ≤ 40 characters, values of ≤ 500; no reserved key. */
export const metadataSchema = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .refine((m) => Object.keys(m).length <= 50, 'at most 50 keys')
  .superRefine((m, ctx) => {
    for (const key of Object.keys(m)) {
      if (!isReservedMetadataKey(key)) continue;
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `metadata keys starting with 'tributary_' are reserved for Tributary's own ids`,
        params: { apiCode: 'metadata_reserved' },
      });
    }
  });

const unsupported = (currency: string) =>
  `${currency} is not a currency Stripe supports (an ISO 4217 code, e.g. usd, eur, jpy)`;

/** A three-letter ISO currency code Stripe supports, in any letter case, stored lowercase. */
export const currencyCode = z
  .string()
  .regex(/^[a-zA-Z]{3}$/, 'a three-letter ISO currency code')
  .superRefine((v, ctx) => {
    if (!isStripeCurrency(v))
      ctx.addIssue({ code: 'custom', message: unsupported(v), params: { apiCode: 'currency_unsupported' } });
  })
  .transform((v) => v.toLowerCase());

/**
 * Refines a body whose amounts (at `paths`) are in its `currency`: within `bounds` (minor units; said in major
 * units, "at most $999,999.99", so the fields themselves carry no bound in cents), and Stripe takes
 * three-decimal currencies' amounts only in tens of the minor unit (and ISK's in whole krónur).
 */
export function amountsInSteps<T extends { currency?: string }>(
  amountsOf: (body: T) => [path: (string | number)[], amount: number][],
  bounds: { min?: number; max?: number } = {},
) {
  return (body: T, ctx: z.core.$RefinementCtx<T>) => {
    if (!body.currency || !isStripeCurrency(body.currency)) return;
    const step = amountStepOf(body.currency);
    for (const [path, amount] of amountsOf(body)) {
      if (!Number.isInteger(amount)) continue;
      const range = amountRangeRule(amount, body.currency, bounds);
      if (range) ctx.addIssue({ code: 'custom', path, message: range });
      else if (amount % step !== 0)
        ctx.addIssue({
          code: 'custom',
          path,
          message: stepRule(body.currency),
        });
    }
  };
}

/**
 * Minor units per currency (`{"usd": 30}`), keys lowercase currencies Stripe supports; each amount within
 * Stripe's range, said in that currency's major units ("at most $999,999.99").
 */
export const perCurrencyAmounts = (amount: z.ZodNumber) =>
  z.record(z.string().regex(/^[a-z]{3}$/, 'lowercase ISO currency'), amount).superRefine((m, ctx) => {
    for (const [key, value] of Object.entries(m)) {
      if (!isStripeCurrency(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: unsupported(key),
          params: { apiCode: 'currency_unsupported' },
        });
        continue;
      }
      const range = Number.isInteger(value) ? amountRangeRule(value, key) : null;
      if (range) ctx.addIssue({ code: 'custom', path: [key], message: range });
    }
  });

/**
 * A credential in a response (a new key's secret, a sign-in link): in the first answer only, null when the
 * request is replayed with its Idempotency-Key (the route declares it in `config.secretFields`).
 */
export const shownOnce = z
  .string()
  .nullable()
  .describe(
    'Shown in this answer only: null when the request is replayed with the same Idempotency-Key (the Idempotent-Redacted header names it).',
  );

/**
 * The last second of year 9999: the largest instant both a JS Date and Postgres' timestamptz format. A
 * timestamp past it made the conversion throw, a 500.
 */
export const MAX_UNIX_TIME = 253_402_300_799;

/** A unix timestamp (seconds) in a body: 0 … the end of year 9999. Every timestamp input uses this. */
export const unixTimestamp = z.number().int().min(0).max(MAX_UNIX_TIME);

/** A unix timestamp (seconds) in a query string, within the same range. */
export const unixTimestampQuery = z.coerce.number().int().min(0).max(MAX_UNIX_TIME);

export const unixTime = (d: Date | null | undefined): number | null =>
  d ? Math.floor(d.getTime() / 1000) : null;

export const errorResponseSchema = z
  .object({
    error: z.object({
      type: z.string(),
      code: z.string().describe('Stable, machine-readable: the codes are listed in docs/api.md.'),
      message: z.string(),
      param: z.string().nullable(),
      request_id: z.string(),
    }),
  })
  .meta({ id: 'Error' });

const lists = new WeakMap<z.ZodType, z.ZodType>();

/**
 * A page of a list (http/pagination.ts). The list of a named item schema is named too (`InvoiceList`), once:
 * the OpenAPI document then has one component for it however many routes answer with it.
 */
export function listOf<T extends z.ZodType>(item: T) {
  const list = () =>
    z.object({ object: z.literal('list'), data: z.array(item), has_more: z.boolean(), url: z.string() });
  const id = z.globalRegistry.get(item)?.id;
  if (!id) return list();
  const known = lists.get(item) as ReturnType<typeof list> | undefined;
  if (known) return known;
  const named = list().meta({ id: `${id}List` });
  lists.set(item, named);
  return named;
}

export const pathId = z.string().min(1).max(100);

/** A tenant route's path: `/v1/tenants/:id/…`. */
export const tenantParams = z.strictObject({ id: pathId });

/** Decodes `starting_after` / `ending_before` public ids; a malformed cursor is a missing object. */
export function cursors(kind: IdKind, q: z.infer<typeof listQuerySchema>) {
  const decode = (v: string | undefined, param: string) => {
    if (v === undefined) return null;
    const id = fromPublicId(kind, v);
    if (!id) throw new ApiError('resource_missing', `No such object for ${param}: '${v}'`, { param });
    return id;
  };
  return {
    limit: q.limit,
    startingAfter: decode(q.starting_after, 'starting_after'),
    endingBefore: decode(q.ending_before, 'ending_before'),
  };
}

export const errorResponses = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
} as const;

/** A tenant member's dashboard role. */
export const roleSchema = z.enum(roles);
