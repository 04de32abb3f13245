// Webhook endpoints (`we_`, secret only on create; `connect: true` receives connected accounts' events)
// and v2 event destinations with thin payloads (`ed_`).
import type { Ctx } from '../app.ts';
import { requireOwn } from '../lookup.ts';
import type { EventDestination, WebhookEndpoint } from '../objects/platform.ts';
import type { Router } from '../router.ts';
import { invalidRequest, notFound } from '../wire/errors.ts';
import { newId, nowSeconds, randomString } from '../wire/ids.ts';
import { paginate } from '../wire/list.ts';
import { arr, bool, isPlain, listParams, mergeMetadata, metadata, str, validate } from '../wire/schema.ts';

function checkUrl(url: unknown, param = 'url'): string {
  const s = String(url ?? '');
  try {
    const u = new URL(s);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw invalidRequest('Invalid URL: URL must be publicly accessible.', param, 'url_invalid');
  }
  return s;
}

function checkEvents(events: unknown): string[] {
  const list = Array.isArray(events) ? events : [];
  if (!list.length)
    throw invalidRequest('Missing required param: enabled_events.', 'enabled_events', 'parameter_missing');
  for (const [i, e] of list.entries()) {
    if (!/^(\*|[a-z0-9_.]+(\.\*)?)$/.test(String(e))) {
      throw invalidRequest(`Invalid enabled_events[${i}]: unknown event type ${e}`, `enabled_events[${i}]`);
    }
  }
  return list;
}

function requireEndpoint(ctx: Ctx, id: string): WebhookEndpoint {
  return requireOwn(ctx, 'webhook_endpoint', id, undefined, 'webhook endpoint');
}

export function registerWebhookEndpoints(r: Router): void {
  r.post('/v1/webhook_endpoints', (ctx) => {
    const p = validate(
      { url: str, enabled_events: arr(str), api_version: str, connect: bool, description: str, metadata },
      ctx.params,
      ['url', 'enabled_events'],
    );
    const secret = `whsec_${randomString(32)}`;
    const ep: WebhookEndpoint = {
      id: newId('we'),
      object: 'webhook_endpoint',
      api_version: p.api_version ?? null,
      application: null,
      connect: p.connect === true,
      created: nowSeconds(),
      description: p.description ?? null,
      enabled_events: checkEvents(p.enabled_events),
      livemode: false,
      metadata: mergeMetadata({}, p.metadata),
      status: 'enabled',
      url: checkUrl(p.url),
    };
    ctx.app.store.insert(ctx.account, ep);
    ctx.app.webhooks.secrets().set(ep.id, secret);
    return { ...ep, secret };
  });
  r.get('/v1/webhook_endpoints/:id', (ctx) => {
    validate({}, ctx.params);
    return requireEndpoint(ctx, ctx.path[0]!);
  });
  r.post('/v1/webhook_endpoints/:id', (ctx) => {
    const p = validate(
      { url: str, enabled_events: arr(str), description: str, disabled: bool, metadata },
      ctx.params,
    );
    const ep = requireEndpoint(ctx, ctx.path[0]!);
    if (p.url) ep.url = checkUrl(p.url);
    if (p.enabled_events) ep.enabled_events = checkEvents(p.enabled_events);
    if (p.description !== undefined) ep.description = p.description;
    if (p.disabled != null) ep.status = p.disabled ? 'disabled' : 'enabled';
    if (p.metadata !== undefined) ep.metadata = mergeMetadata(ep.metadata, p.metadata);
    ctx.app.store.changed();
    return ep;
  });
  r.get('/v1/webhook_endpoints', (ctx) => {
    const p = validate(listParams, ctx.params);
    return paginate(ctx.app.store.list(ctx.account, 'webhook_endpoint'), p, '/v1/webhook_endpoints');
  });
  r.delete('/v1/webhook_endpoints/:id', (ctx) => {
    validate({}, ctx.params);
    const ep = requireEndpoint(ctx, ctx.path[0]!);
    ctx.app.store.remove(ep.id);
    return { id: ep.id, object: 'webhook_endpoint', deleted: true };
  });

  // v2 event destinations (JSON): thin payloads delivered as `v2.core.event` notifications.
  r.post('/v2/core/event_destinations', (ctx) => {
    const p = ctx.params;
    const we = isPlain(p.webhook_endpoint) ? p.webhook_endpoint : undefined;
    if (!p.name) throw invalidRequest('Missing required param: name.', 'name', 'parameter_missing');
    if (p.type !== 'webhook_endpoint') {
      throw invalidRequest('Only `webhook_endpoint` event destinations are emulated.', 'type');
    }
    const secret = `whsec_${randomString(32)}`;
    const now = new Date().toISOString();
    const ed: EventDestination = {
      id: newId('ed'),
      object: 'v2.core.event_destination',
      amazon_eventbridge: null,
      created: now,
      description: typeof p.description === 'string' ? p.description : '',
      enabled_events: checkEvents(p.enabled_events ?? []),
      event_payload: p.event_payload === 'snapshot' ? 'snapshot' : 'thin',
      events_from: Array.isArray(p.events_from) ? p.events_from : ['self'],
      livemode: false,
      metadata: isPlain(p.metadata) ? p.metadata : {},
      name: String(p.name),
      snapshot_api_version: null,
      status: 'enabled',
      status_details: null,
      type: 'webhook_endpoint',
      updated: now,
      webhook_endpoint: { signing_secret: null, url: checkUrl(we?.url, 'webhook_endpoint.url') },
    };
    ctx.app.store.insert(ctx.account, ed);
    ctx.app.webhooks.secrets().set(ed.id, secret);
    return { ...ed, webhook_endpoint: { signing_secret: secret, url: ed.webhook_endpoint.url } };
  });
  r.get('/v2/core/event_destinations/:id', (ctx) => {
    const ed = ctx.app.store.get(ctx.account, ctx.path[0]!, 'v2.core.event_destination');
    if (!ed) throw notFound('event destination', ctx.path[0]!);
    return ed;
  });
  r.delete('/v2/core/event_destinations/:id', (ctx) => {
    const ed = ctx.app.store.get(ctx.account, ctx.path[0]!, 'v2.core.event_destination');
    if (!ed) throw notFound('event destination', ctx.path[0]!);
    ctx.app.store.remove(ed.id);
    return { id: ed.id, object: 'v2.core.event_destination', deleted: true };
  });
}
