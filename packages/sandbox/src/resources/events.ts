// /v1/events list/retrieve and /v2/core/events/:id (the full event behind a thin notification).
import type { Ctx } from '../app.ts';
import type { Router } from '../router.ts';
import type { EventRec, Obj } from '../store.ts';
import { notFound } from '../wire/errors.ts';
import { paginate } from '../wire/list.ts';
import { arr, bool, listParams, str, validate } from '../wire/schema.ts';

export function renderEvent(ctx: Ctx, rec: EventRec): Obj {
  const ev = JSON.parse(rec.json) as Obj;
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
    const types = (p.types as string[] | null) ?? (p.type ? [String(p.type)] : null);
    // Events are stored compactly; paginate over light stand-ins, then render the page.
    const recs = ctx.app.store.events(ctx.account);
    const light = recs.map((e) => ({ id: e.id, object: 'event', created: e.created, rec: e }) as Obj);
    const list = paginate(light, p, '/v1/events', (o) => {
      const rec = o.rec as EventRec;
      return !types || types.some((t) => matchType(rec.type, t));
    });
    list.data = list.data.map((o) => renderEvent(ctx, (o as Obj).rec as EventRec));
    return list;
  });
  r.get('/v2/core/events/:id', (ctx) => {
    const rec = ctx.app.store.event(ctx.path[0]!);
    if (!rec || (rec.owner !== ctx.account && ctx.account !== ctx.app.config.platformAccountId)) {
      throw notFound('event', ctx.path[0]!);
    }
    // As Stripe's v2 event for a `v1.*` type: no `data` snapshot, only `related_object` (stripe-node types
    // `V1…Event` with `fetchRelatedObject()` and no `data`); the object is read from `related_object.url`.
    const full = JSON.parse(ctx.app.webhooks.thinPayload(rec)) as Obj;
    return { ...full, changes: null };
  });
}
