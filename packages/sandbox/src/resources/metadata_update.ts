// The update route of resources whose only changeable field is `metadata` (refunds, payouts): merged,
// stored, and announced by `<kind>.updated` with the previous metadata.
import type { Ctx } from '../app.ts';
import { type EventObject, emit } from '../events.ts';
import { mergeMetadata, metadata, validate } from '../wire/schema.ts';

export function updateMetadataOnly<T extends EventObject & { metadata: Record<string, string> }>(
  ctx: Ctx,
  obj: T,
  eventType: string,
): T {
  const p = validate({ metadata }, ctx.params);
  const previous = { metadata: obj.metadata };
  obj.metadata = mergeMetadata(obj.metadata, p.metadata);
  ctx.app.store.changed();
  emit(ctx, eventType, obj, { previous });
  return obj;
}
