// /v1/subscription_schedules: create (from an existing subscription, or from a customer, a start date and
// phases), retrieve, update (phases, end_behavior, metadata), list, release and cancel.
import type { Ctx } from '../../app.ts';
import { atCustomerTime } from '../../billing/scheduler.ts';
import { changes, emit, snapshot } from '../../events.ts';
import type { SubscriptionSchedule } from '../../objects/subscription_schedules.ts';
import type { Router } from '../../router.ts';
import { invalidRequest, missingParam } from '../../wire/errors.ts';
import { nowSeconds } from '../../wire/ids.ts';
import { matchesSent, paginate } from '../../wire/list.ts';
import { type MetadataParam, mergeMetadata, validate } from '../../wire/schema.ts';
import { requireCustomer } from '../customers/model.ts';
import { cancelNow } from '../subscriptions/lifecycle.ts';
import { requireSubscription } from '../subscriptions/model.ts';
import { begin, finish, reapply, release } from './lifecycle.ts';
import {
  buildPhases,
  defaultSettings,
  newSchedule,
  phaseOfSubscription,
  requireSchedule,
  schedulePaymentMethod,
} from './model.ts';
import { cancelShape, createShape, listShape, releaseShape, updateShape } from './params.ts';

function requireOpen(sched: SubscriptionSchedule, action: string): void {
  if (sched.status === 'not_started' || sched.status === 'active') return;
  throw invalidRequest(
    `You cannot ${action} a subscription schedule that is currently in the \`${sched.status}\` status. ` +
      'It must be in one of the following statuses: `not_started`, `active`.',
  );
}

function fromSubscription(
  ctx: Ctx,
  id: string,
  sent: string[],
  md: MetadataParam | undefined,
): SubscriptionSchedule {
  const other = sent.find((k) => !['from_subscription', 'metadata'].includes(k));
  if (other) {
    throw invalidRequest(
      `You cannot set \`${other}\` when \`from_subscription\` is set. Create the schedule, then update it.`,
      other,
    );
  }
  const sub = requireSubscription(ctx, id, 'from_subscription');
  if (sub.schedule) {
    throw invalidRequest(
      `The subscription \`${sub.id}\` is already attached to the schedule \`${sub.schedule}\`.`,
      'from_subscription',
    );
  }
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') {
    throw invalidRequest(`The subscription \`${sub.id}\` is canceled.`, 'from_subscription');
  }
  const cus = requireCustomer(ctx, sub.customer, 'customer');
  return atCustomerTime(ctx.app, ctx.account, cus.id, () => {
    const sched = newSchedule(ctx, cus, {
      default_settings: {
        ...defaultSettings(null),
        application_fee_percent: sub.application_fee_percent,
        collection_method: sub.collection_method ?? 'charge_automatically',
        default_payment_method: sub.default_payment_method,
        description: sub.description,
        on_behalf_of: sub.on_behalf_of,
      },
      end_behavior: 'release',
      metadata: mergeMetadata({}, md),
      phases: [phaseOfSubscription(sub)],
    });
    begin(ctx, sched, sub);
    return sched;
  });
}

function create(ctx: Ctx): SubscriptionSchedule {
  const p = validate(createShape(ctx), ctx.params);
  if (p.from_subscription)
    return fromSubscription(ctx, p.from_subscription, Object.keys(ctx.params), p.metadata);
  if (!p.customer) throw missingParam('customer');
  const cus = requireCustomer(ctx, p.customer, 'customer');
  if (!p.phases?.length) throw missingParam('phases');
  const raw = p.phases;
  return atCustomerTime(ctx.app, ctx.account, cus.id, () => {
    const now = nowSeconds();
    const startAt = p.start_date == null || p.start_date === 'now' ? now : Math.max(p.start_date, now);
    const settings = defaultSettings(p.default_settings);
    settings.default_payment_method = schedulePaymentMethod(
      ctx,
      settings.default_payment_method,
      'default_settings[default_payment_method]',
      cus.id,
    );
    const sched = newSchedule(ctx, cus, {
      default_settings: settings,
      end_behavior: p.end_behavior ?? 'release',
      metadata: mergeMetadata({}, p.metadata),
      phases: buildPhases(ctx, raw, startAt, cus.id),
    });
    begin(ctx, sched);
    return sched;
  });
}

function update(ctx: Ctx): SubscriptionSchedule {
  const p = validate(updateShape(ctx), ctx.params);
  const sched = requireSchedule(ctx, ctx.path[0]!);
  requireOpen(sched, 'update');
  return atCustomerTime(ctx.app, ctx.account, sched.customer, () => {
    const before = snapshot(sched);
    const now = nowSeconds();
    if (p.phases) {
      // Phases that already ended may be left out; the first phase sent starts where the current one did.
      const from = sched.current_phase?.start_date ?? sched.phases[0]?.start_date ?? now;
      const phases = buildPhases(ctx, p.phases, from, sched.customer);
      const first = phases[0]!.start_date;
      const past = sched.phases.filter((ph) => ph.end_date <= Math.min(now, first));
      sched.phases = [...past, ...phases];
    }
    if (p.end_behavior) sched.end_behavior = p.end_behavior;
    if (p.metadata !== undefined) sched.metadata = mergeMetadata(sched.metadata, p.metadata);
    if (p.default_settings) {
      const settings = defaultSettings(p.default_settings);
      settings.default_payment_method = schedulePaymentMethod(
        ctx,
        settings.default_payment_method,
        'default_settings[default_payment_method]',
        sched.customer,
      );
      sched.default_settings = settings;
    }
    if (p.phases) reapply(ctx, sched, p.proration_behavior ?? 'create_prorations');
    ctx.app.store.changed();
    const prev = changes(before, sched);
    if (Object.keys(prev).length) emit(ctx, 'subscription_schedule.updated', sched, { previous: prev });
    return sched;
  });
}

export function registerSubscriptionSchedules(r: Router): void {
  r.post('/v1/subscription_schedules', create);
  r.get('/v1/subscription_schedules/:id', (ctx) => {
    validate({}, ctx.params);
    return requireSchedule(ctx, ctx.path[0]!);
  });
  r.post('/v1/subscription_schedules/:id', update);
  r.get('/v1/subscription_schedules', (ctx) => {
    const p = validate(listShape, ctx.params);
    return paginate(
      ctx.app.store.list(ctx.account, 'subscription_schedule'),
      p,
      '/v1/subscription_schedules',
      (o) => matchesSent(o, p, ['customer']) && (!p.scheduled || o.status === 'not_started'),
    );
  });
  r.post('/v1/subscription_schedules/:id/release', (ctx) => {
    validate(releaseShape, ctx.params);
    const sched = requireSchedule(ctx, ctx.path[0]!);
    requireOpen(sched, 'release');
    return atCustomerTime(ctx.app, ctx.account, sched.customer, () => {
      release(ctx, sched);
      return sched;
    });
  });
  r.post('/v1/subscription_schedules/:id/cancel', (ctx) => {
    validate(cancelShape, ctx.params);
    const sched = requireSchedule(ctx, ctx.path[0]!);
    requireOpen(sched, 'cancel');
    return atCustomerTime(ctx.app, ctx.account, sched.customer, () => {
      const sub = sched.subscription
        ? ctx.app.store.get(ctx.account, sched.subscription, 'subscription')
        : undefined;
      finish(ctx, sched, 'canceled');
      if (sub) cancelNow(ctx, sub, 'cancellation_requested');
      return sched;
    });
  });
}
