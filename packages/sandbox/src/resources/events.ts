// /v1/events list/retrieve and /v2/core/events/:id (the full event behind a thin notification).
import type { Ctx } from '../app.ts';
import type { Router } from '../router.ts';
import type { EventRec } from '../store.ts';
import { notFound } from '../wire/errors.ts';
import { paginate } from '../wire/list.ts';
import { arr, bool, listParams, str, validate } from '../wire/schema.ts';

/** An event as the API returns it: the stored JSON with the deliveries still pending now. */
interface RenderedEvent {
  id: string;
  object: 'event';
  pending_webhooks: number;
  [key: string]: unknown;
}

export function renderEvent(ctx: Ctx, rec: EventRec): RenderedEvent {
  const ev: RenderedEvent = JSON.parse(rec.json);
  ev.pending_webhooks = ctx.app.webhooks.pendingFor(rec.id);
  return ev;
}

function matchType(type: string, pattern: string): boolean {
  if (pattern.endsWith('*')) return type.startsWith(pattern.slice(0, -1));
  return type === pattern;
}

export function registerEvents(r: Router): void {
  r.get('/v1/events/:id', (ctx) => {
    validate({}, ctx.params);
    const rec = ctx.app.store.event(ctx.path[0]!);
    if (!rec || rec.owner !== ctx.account) throw notFound('event', ctx.path[0]!);
    return renderEvent(ctx, rec);
  });
  r.get('/v1/events', (ctx) => {
    const p = validate({ ...listParams, type: str, types: arr(str), delivery_success: bool }, ctx.params);
    const types = p.types ?? (p.type ? [p.type] : null);
    // Events are stored compactly; paginate over light stand-ins, then render the page.
    const recs = ctx.app.store.events(ctx.account);
    const light = recs.map((rec) => ({ id: rec.id, created: rec.created, rec }));
    const list = paginate(light, p, '/v1/events', ({ rec }) => {
      return !types || types.some((t) => matchType(rec.type, String(t)));
    });
    return { ...list, data: list.data.map((o) => renderEvent(ctx, o.rec)) };
  });
  r.get('/v2/core/events/:id', (ctx) => {
    const rec = ctx.app.store.event(ctx.path[0]!);
    if (!rec || (rec.owner !== ctx.account && ctx.account !== ctx.app.config.platformAccountId)) {
      throw notFound('event', ctx.path[0]!);
    }
    // As Stripe's v2 event for a `v1.*` type: no `data` snapshot, only `related_object` (stripe-node types
    // `V1…Event` with `fetchRelatedObject()` and no `data`); the object is read from `related_object.url`.
    const full: Record<string, unknown> = JSON.parse(ctx.app.webhooks.thinPayload(rec));
    return { ...full, changes: null };
  });
}
