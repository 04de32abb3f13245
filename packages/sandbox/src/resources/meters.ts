// Billing meters and meter events: usage reported per customer, aggregated (sum | count | last) over a
// subscription item's period into the next invoice of a metered price.
import type { App, Ctx } from '../app.ts';
import { customerNow } from '../billing/scheduler.ts';
import { emit } from '../events.ts';
import { requireOwn } from '../lookup.ts';
import type { Price } from '../objects/products.ts';
import type { Meter } from '../objects/subscriptions.ts';
import type { Router } from '../router.ts';
import { invalidRequest } from '../wire/errors.ts';
import { nowSeconds, randomString } from '../wire/ids.ts';
import { paginate } from '../wire/list.ts';
import { enm, hash, int, listParams, obj, str, validate } from '../wire/schema.ts';

interface MeterEvent {
  owner: string;
  event_name: string;
  customer: string;
  value: number;
  timestamp: number;
  identifier: string;
}

function events(app: App) {
  return app.store.table<MeterEvent[]>('meter_events');
}

function requireMeter(ctx: Ctx, id: string): Meter {
  return requireOwn(ctx, 'billing.meter', id, 'id');
}

/** Stripe takes a meter event stamped at most 35 days back or 5 minutes ahead (the `timestamp` parameter,
 * docs.stripe.com/api/billing/meter-event/create), measured here on the customer's clock. */
const MAX_PAST = 35 * 86_400;
const MAX_FUTURE = 5 * 60;

/** Usage of a metered price's meter for a customer in [start, end). Events may carry negative values to
 * correct earlier ones; "if the overall cycle usage is negative, Stripe reports the invoice line item
 * usage quantity as 0" (docs.stripe.com/billing/subscriptions/usage-based/meters/configure). `last` is
 * the value of the latest event by its timestamp, not by arrival. */
export function usageFor(ctx: Ctx, price: Price, customer: string, start: number, end: number): number {
  const meterId = price.recurring?.meter;
  const meter = meterId ? ctx.app.store.get(ctx.account, meterId, 'billing.meter') : undefined;
  if (!meter) return 0;
  const list = (events(ctx.app).get(meter.event_name) ?? []).filter(
    (e) => e.owner === ctx.account && e.customer === customer && e.timestamp >= start && e.timestamp < end,
  );
  const formula = meter.default_aggregation.formula;
  if (formula === 'count') return list.length;
  if (formula === 'last') {
    const latest = list.reduce<MeterEvent | undefined>(
      (a, e) => (!a || e.timestamp >= a.timestamp ? e : a),
      undefined,
    );
    return Math.max(0, latest?.value ?? 0);
  }
  return Math.max(
    0,
    list.reduce((s, e) => s + e.value, 0),
  );
}

export function registerMeters(r: Router): void {
  r.post('/v1/billing/meters', (ctx) => {
    const p = validate(
      {
        default_aggregation: obj({ formula: enm('sum', 'count', 'last') }, ['formula']),
        display_name: str,
        event_name: str,
        customer_mapping: obj({ event_payload_key: str, type: enm('by_id') }),
        value_settings: obj({ event_payload_key: str }),
        event_time_window: enm('day', 'hour'),
      },
      ctx.params,
      ['default_aggregation', 'display_name', 'event_name'],
    );
    if (
      ctx.app.store
        .list(ctx.account, 'billing.meter')
        .some((m) => m.event_name === p.event_name && m.status === 'active')
    ) {
      throw invalidRequest(
        `An active meter with event_name \`${p.event_name}\` already exists.`,
        'event_name',
      );
    }
    const now = nowSeconds();
    const m: Meter = {
      id: `mtr_test_${randomString(24)}`,
      object: 'billing.meter',
      created: now,
      customer_mapping: {
        event_payload_key: p.customer_mapping?.event_payload_key ?? 'stripe_customer_id',
        type: 'by_id',
      },
      default_aggregation: { formula: p.default_aggregation.formula },
      display_name: p.display_name,
      event_name: p.event_name,
      event_time_window: p.event_time_window ?? null,
      livemode: false,
      status: 'active',
      status_transitions: { deactivated_at: null },
      updated: now,
      value_settings: {
        event_payload_key: p.value_settings?.event_payload_key ?? 'value',
      },
    };
    ctx.app.store.insert(ctx.account, m);
    emit(ctx, 'billing.meter.created', m);
    return m;
  });
  r.get('/v1/billing/meters/:id', (ctx) => {
    validate({}, ctx.params);
    return requireMeter(ctx, ctx.path[0]!);
  });
  r.post('/v1/billing/meters/:id', (ctx) => {
    const p = validate({ display_name: str }, ctx.params);
    const m = requireMeter(ctx, ctx.path[0]!);
    if (p.display_name) m.display_name = p.display_name;
    m.updated = nowSeconds();
    ctx.app.store.changed();
    return m;
  });
  for (const [action, status] of [
    ['deactivate', 'inactive'],
    ['reactivate', 'active'],
  ] as const) {
    r.post(`/v1/billing/meters/:id/${action}`, (ctx) => {
      validate({}, ctx.params);
      const m = requireMeter(ctx, ctx.path[0]!);
      m.status = status;
      m.status_transitions = { deactivated_at: status === 'inactive' ? nowSeconds() : null };
      m.updated = nowSeconds();
      ctx.app.store.changed();
      return m;
    });
  }
  r.get('/v1/billing/meters', (ctx) => {
    const p = validate({ ...listParams, status: enm('active', 'inactive') }, ctx.params);
    return paginate(
      ctx.app.store.list(ctx.account, 'billing.meter'),
      p,
      '/v1/billing/meters',
      (m) => !p.status || m.status === p.status,
    );
  });
  r.post('/v1/billing/meter_events', (ctx) => {
    const p = validate({ event_name: str, payload: hash, identifier: str, timestamp: int }, ctx.params, [
      'event_name',
      'payload',
    ]);
    const meter = ctx.app.store
      .list(ctx.account, 'billing.meter')
      .find((m) => m.event_name === p.event_name && m.status === 'active');
    const payload = p.payload;
    const key = meter?.customer_mapping.event_payload_key ?? 'stripe_customer_id';
    const valueKey = meter?.value_settings.event_payload_key ?? 'value';
    const customer = payload[key] ? String(payload[key]) : undefined;
    if (!customer)
      throw invalidRequest(`Missing required payload key: ${key}.`, `payload[${key}]`, 'parameter_missing');
    const value = payload[valueKey] === undefined ? 1 : Number(payload[valueKey]);
    if (!Number.isFinite(value))
      throw invalidRequest(`Invalid payload value: ${payload[valueKey]}.`, `payload[${valueKey}]`);
    const identifier = p.identifier ?? randomString(24);
    const list = events(ctx.app).get(p.event_name) ?? [];
    // Stripe refuses a repeated identifier (unique over at least 24 hours) with no error code: the
    // refusal's sentence is what integrations match on.
    if (list.some((e) => e.owner === ctx.account && e.identifier === identifier)) {
      throw invalidRequest(`An event already exists with identifier ${identifier}.`, 'identifier');
    }
    const now = customerNow(ctx.app, ctx.account, customer);
    const timestamp = p.timestamp ?? now;
    if (timestamp < now - MAX_PAST) {
      throw invalidRequest(
        `The event timestamp cannot be more than 35 days in past. Expected a timestamp greater than or equal to ${now - MAX_PAST}.`,
        'timestamp',
      );
    }
    if (timestamp > now + MAX_FUTURE) {
      throw invalidRequest(
        `The event timestamp cannot be more than 5 minutes in the future. Expected a timestamp less than or equal to ${now + MAX_FUTURE}.`,
        'timestamp',
      );
    }
    list.push({
      owner: ctx.account,
      event_name: p.event_name,
      customer,
      value,
      timestamp,
      identifier,
    });
    events(ctx.app).set(p.event_name, list);
    ctx.app.store.changed();
    return {
      object: 'billing.meter_event',
      created: nowSeconds(),
      event_name: p.event_name,
      identifier,
      livemode: false,
      payload,
      timestamp,
    };
  });
}
