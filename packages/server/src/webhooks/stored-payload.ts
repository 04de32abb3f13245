import {
  findUnstorable,
  MAX_STORED_DEPTH,
  nestingExceeds,
  storableCopy,
  storableString,
} from '../db/storable.ts';
import { type RefetchableObject, refetchableObjects } from '../stripe/refetch.ts';

/**
 * How a stored event's `payload` relates to the body Stripe signed:
 * - `delivered`: the body itself (no raw body kept: ingest stays one jsonb write);
 * - `sanitized`: the body with each NUL written as `\u0000` and unpaired surrogates replaced, since jsonb
 *   cannot hold them; the exact bytes are in `raw_body`;
 * - `summary`: the body nests deeper than jsonb and our own code can safely walk; `payload` keeps what the
 *   pipeline needs (the event's own fields, `data.object`'s id and type), the exact bytes are in `raw_body`,
 *   and the worker refetches the object from Stripe.
 */
export type PayloadForm = 'delivered' | 'sanitized' | 'summary';

function scalarsOf(value: unknown, keys?: readonly string[]): Record<string, unknown> | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (keys && !keys.includes(k)) continue;
    if (v === null || typeof v !== 'object')
      out[storableString(k)] = typeof v === 'string' ? storableString(v) : v;
  }
  return out;
}

/** What the pipeline needs of an event too deep to store: its own fields, the object's id and type. */
function summaryOf(event: Record<string, unknown>): Record<string, unknown> {
  const out = scalarsOf(event)!;
  const object = scalarsOf((event.data as { object?: unknown } | undefined)?.object, ['id', 'object']);
  if (object) out.data = { object };
  // a thin (v2) notification names its object here
  const related = scalarsOf(event.related_object, ['id', 'type', 'url']);
  if (related) out.related_object = related;
  return out;
}

/**
 * The payload to store for a parsed event, and the raw body to keep with it when the two differ (`raw` is
 * only called then). One walk of the parsed event, no copy, for the usual event that is stored as sent.
 */
export function storableEvent(
  event: Record<string, unknown>,
  raw: () => Buffer | null,
): { payload: Record<string, unknown>; rawBody: Buffer | null } {
  const found = findUnstorable(event, MAX_STORED_DEPTH);
  if (!found) return { payload: event, rawBody: null };
  if (found.reason === 'depth' || nestingExceeds(event, MAX_STORED_DEPTH)) {
    return { payload: summaryOf(event), rawBody: raw() };
  }
  return { payload: storableCopy(event) as Record<string, unknown>, rawBody: raw() };
}

/** Which form a stored event's payload is in (read from its raw body, kept only for the rare altered ones). */
export function payloadForm(row: { rawBody: Uint8Array | null }): PayloadForm {
  if (!row.rawBody) return 'delivered';
  try {
    const body: unknown = JSON.parse(Buffer.from(row.rawBody).toString('utf8'));
    return nestingExceeds(body, MAX_STORED_DEPTH) ? 'summary' : 'sanitized';
  } catch {
    return 'summary';
  }
}

/** The refetchable type of a summarized event's object, if Stripe lets us fetch one. */
export function refetchableType(objectType: unknown): RefetchableObject | undefined {
  return refetchableObjects.find((t) => t === objectType);
}

/**
 * An object about to be applied, as Postgres can store it: Stripe's own objects may carry a NUL (a tenant
 * could set one in a statement descriptor before that was refused, and the dashboard still can); one nested deeper
 * than we store cannot be applied at all.
 */
export function storableObject<T>(object: T): T {
  if (nestingExceeds(object, MAX_STORED_DEPTH)) {
    throw new Error(`The object nests deeper than ${MAX_STORED_DEPTH} levels and cannot be stored.`);
  }
  return findUnstorable(object, MAX_STORED_DEPTH) ? (storableCopy(object) as T) : object;
}
