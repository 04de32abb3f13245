/** The id of a Stripe reference: an id string, or an expanded object's `id`; null when absent. */
export function idOf(v: unknown): string | null {
  if (typeof v === 'string') return v;
  return v && typeof v === 'object' && 'id' in v ? String((v as { id: unknown }).id) : null;
}
