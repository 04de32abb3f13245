import { fromPublicId, type IdKind } from '../http/ids.ts';

/** The id of a Stripe reference: an id string, or an expanded object's `id`; null when absent. */
export function idOf(v: unknown): string | null {
  if (typeof v === 'string') return v;
  return v && typeof v === 'object' && 'id' in v ? String((v as { id: unknown }).id) : null;
}

/**
 * Our uuid from `metadata[key]`, a public id of `kind` that we wrote on the Stripe object. A hint only:
 * whoever can write the object's metadata can name any row, so the caller must show the row is the object's.
 */
export function namedInMetadata(meta: unknown, key: string, kind: IdKind): string | null {
  const v = (meta as Record<string, unknown> | null | undefined)?.[key];
  return typeof v === 'string' && v ? fromPublicId(kind, v) : null;
}

/** The caller's metadata: the `tributary_*` keys we add to Stripe objects are ours, not theirs. */
export function ownMetadata(m: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries((m as Record<string, string> | null) ?? {}).filter(([k]) => !k.startsWith('tributary_')),
  );
}
