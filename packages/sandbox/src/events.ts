// Event creation: every state change records an `evt_` with a snapshot of the object, the changed
// attributes' old values, the request that caused it, and `account` when it happened on a connected
// account. The event JSON is built once and stored as a string (compact, and delivered as-is).
import type { App, Ctx } from './app.ts';
import { API_VERSION } from './config.ts';
import type { EventRec } from './store.ts';
import { newId, nowSeconds } from './wire/ids.ts';

/** What an event carries as `data.object`: a stored object, or one made for the event (a capability, an
 * upcoming invoice without an id). */
export interface EventObject {
  id?: unknown;
  object?: unknown;
}

export interface EmitOptions {
  previous?: Record<string, unknown>;
  /** Owner account of the event; defaults to the request's account. */
  owner?: string;
}

export function emit(ctx: Ctx, type: string, obj: EventObject, opts: EmitOptions = {}): EventRec {
  return emitEvent(
    ctx.app,
    ctx.requestId ? { id: ctx.requestId, key: ctx.idempotencyKey } : null,
    opts.owner ?? ctx.account,
    type,
    obj,
    opts.previous,
  );
}

export function emitEvent(
  app: App,
  request: { id: string | null; key: string | null } | null,
  owner: string,
  type: string,
  obj: EventObject,
  previous?: Record<string, unknown>,
): EventRec {
  const id = newId('evt');
  const created = nowSeconds();
  const connected = owner !== app.config.platformAccountId;
  const head =
    `{"id":"${id}","object":"event"` +
    (connected ? `,"account":"${owner}"` : '') +
    `,"api_version":"${API_VERSION}"` +
    (connected ? `,"context":"${owner}"` : '') +
    `,"created":${created},"data":{"object":${JSON.stringify(obj)}` +
    (previous ? `,"previous_attributes":${JSON.stringify(previous)}` : '') +
    '},"livemode":false,"pending_webhooks":';
  const tail =
    `,"request":${JSON.stringify(request ? { id: request.id, idempotency_key: request.key } : { id: null, idempotency_key: null })}` +
    `,"type":${JSON.stringify(type)}}`;
  const pending = app.webhooks.countTargets(owner, type);
  const rec: EventRec = {
    id,
    owner,
    type,
    created,
    json: head + pending + tail,
    objectId: String(obj.id ?? ''),
    objectType: String(obj.object ?? ''),
    requestId: request?.id ?? null,
    idempotencyKey: request?.key ?? null,
  };
  app.store.addEvent(rec);
  if (pending > 0) app.webhooks.dispatch(rec);
  return rec;
}

/** Old values of the keys whose values differ between two snapshots (top level, like Stripe). */
export function changes<T extends object>(before: T, after: T): Record<string, unknown> {
  const prev: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(after)) {
    const a: unknown = Reflect.get(before, k);
    const b: unknown = value;
    if (a === b) continue;
    if (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b)) continue;
    prev[k] = a === undefined ? null : a;
  }
  return prev;
}

export function snapshot<T>(o: T): T {
  return structuredClone(o);
}
