// A subscription schedule's life: it starts its subscription at its start date, moves the subscription to
// each phase's items when the phase begins (at a renewal without proration, so a downgrade at period end
// bills the cheaper price from the next invoice; mid-period with the phase's proration_behavior), and at
// the end of its last phase releases or cancels the subscription (`end_behavior`). Phase changes run from
// the subscription's renewal (before the new cycle is invoiced) and from a job at each phase boundary.
import { type Ctx, systemCtx } from '../../app.ts';
import { onJob, schedule, unschedule } from '../../billing/scheduler.ts';
import { changes, emit, snapshot } from '../../events.ts';
import type {
  ScheduleDefaultSettings,
  SchedulePhase,
  SubscriptionSchedule,
} from '../../objects/subscription_schedules.ts';
import type { Subscription } from '../../objects/subscriptions.ts';
import { nowSeconds } from '../../wire/ids.ts';
import { mergeMetadata } from '../../wire/schema.ts';
import { cancelNow, createSubscriptionFor, setAfterCancel } from '../subscriptions/lifecycle.ts';
import { itemsOf } from '../subscriptions/model.ts';
import type { ItemParams } from '../subscriptions/params.ts';
import { changeItems, invoiceNow } from '../subscriptions/proration.ts';
import { setBeforeRenewal } from '../subscriptions/renewal.ts';
import { lastPhase, phaseAt } from './model.ts';

const PHASE_JOB = 'sub_schedule_phase';
const EXPIRING_JOB = 'sub_schedule_expiring';
/** `subscription_schedule.expiring` comes 7 days before the schedule ends. */
const EXPIRING_NOTICE = 7 * 86_400;

function subscriptionOf(ctx: Ctx, sched: SubscriptionSchedule): Subscription | undefined {
  return sched.subscription ? ctx.app.store.get(ctx.account, sched.subscription, 'subscription') : undefined;
}

/** Point the subscription at its schedule (or at none), with the `customer.subscription.updated` it causes. */
function attach(ctx: Ctx, sub: Subscription, schedId: string | null): void {
  if (sub.schedule === schedId) return;
  const before = snapshot(sub);
  sub.schedule = schedId;
  ctx.app.store.changed();
  emit(ctx, 'customer.subscription.updated', sub, { previous: changes(before, sub) });
}

/** Item changes that turn the subscription's items into the phase's: same prices keep their item, other
 * items change price in order, the rest are added or deleted. */
function itemChanges(sub: Subscription, phase: SchedulePhase): ItemParams[] {
  const current = [...itemsOf(sub)];
  const out: ItemParams[] = [];
  const unmatched = phase.items.filter((want) => {
    const i = current.findIndex((it) => it.price.id === want.price);
    if (i < 0) return true;
    out.push({ id: current.splice(i, 1)[0]!.id, quantity: want.quantity });
    return false;
  });
  for (const want of unmatched) {
    const it = current.shift();
    out.push(
      it
        ? { id: it.id, price: want.price, quantity: want.quantity }
        : { price: want.price, quantity: want.quantity, metadata: want.metadata },
    );
  }
  for (const it of current) out.push({ id: it.id, deleted: true });
  return out;
}

/** The phase's settings (else the schedule's default settings) on the subscription. */
function applySettings(sub: Subscription, phase: SchedulePhase, ds: ScheduleDefaultSettings): void {
  sub.default_payment_method = phase.default_payment_method ?? ds.default_payment_method;
  sub.description = phase.description ?? ds.description;
  sub.application_fee_percent = phase.application_fee_percent ?? ds.application_fee_percent;
  sub.on_behalf_of = phase.on_behalf_of ?? ds.on_behalf_of;
  const collection = phase.collection_method ?? ds.collection_method;
  if (collection !== sub.collection_method) {
    sub.collection_method = collection;
    sub.days_until_due = collection === 'send_invoice' ? (ds.invoice_settings.days_until_due ?? 30) : null;
  }
}

/** Put the subscription on the phase's items and settings. At a renewal (the period ends now) nothing is
 * prorated. */
export function applyPhase(
  ctx: Ctx,
  sched: SubscriptionSchedule,
  sub: Subscription,
  phase: SchedulePhase,
  behavior: string,
): void {
  const before = snapshot(sub);
  applySettings(sub, phase, sched.default_settings);
  const now = nowSeconds();
  const atRenewal = (itemsOf(sub)[0]?.current_period_end ?? 0) <= now;
  const prorate = atRenewal ? 'none' : behavior;
  const changed = changeItems(ctx, sub, itemChanges(sub, phase), prorate, now);
  if (changed && prorate === 'always_invoice') invoiceNow(ctx, sub);
  sub.metadata = mergeMetadata(sub.metadata, phase.metadata);
  ctx.app.store.changed();
  const prev = changes(before, sub);
  if (Object.keys(prev).length) emit(ctx, 'customer.subscription.updated', sub, { previous: prev });
}

/** A job at the schedule's next phase boundary (a phase's start or end still ahead). */
function planNextJob(ctx: Ctx, sched: SubscriptionSchedule): void {
  unschedule(ctx.app, sched.id, PHASE_JOB);
  unschedule(ctx.app, sched.id, EXPIRING_JOB);
  if (sched.status !== 'not_started' && sched.status !== 'active') return;
  const now = nowSeconds();
  const notice = (lastPhase(sched)?.end_date ?? now) - EXPIRING_NOTICE;
  if (notice > now) {
    schedule(ctx.app, {
      at: notice,
      owner: ctx.account,
      clock: sched.test_clock,
      kind: EXPIRING_JOB,
      target: sched.id,
    });
  }
  const ahead = sched.phases.flatMap((ph) => [ph.start_date, ph.end_date]).filter((t) => t > now);
  if (!ahead.length) return;
  const next = Math.min(...ahead);
  schedule(ctx.app, {
    at: next,
    owner: ctx.account,
    clock: sched.test_clock,
    kind: PHASE_JOB,
    target: sched.id,
  });
}

/** Create the subscription of a schedule whose first phase begins now. */
function start(ctx: Ctx, sched: SubscriptionSchedule): void {
  const phase = sched.phases[0]!;
  const ds = sched.default_settings;
  const collection = phase.collection_method ?? ds.collection_method;
  const sub = createSubscriptionFor(ctx, {
    customer: sched.customer,
    items: phase.items.map((it) => ({ price: it.price, quantity: it.quantity, metadata: it.metadata })),
    default_payment_method: phase.default_payment_method ?? ds.default_payment_method,
    application_fee_percent: phase.application_fee_percent ?? ds.application_fee_percent,
    trial_period_days: null,
    trial_end: phase.trial_end,
    metadata: { ...phase.metadata },
    description: phase.description ?? ds.description,
    payment_behavior: 'allow_incomplete',
    off_session: true,
    collection_method: collection,
    days_until_due: collection === 'send_invoice' ? (ds.invoice_settings.days_until_due ?? 30) : null,
    on_behalf_of: phase.on_behalf_of ?? ds.on_behalf_of,
    schedule: sched.id,
  });
  sched.subscription = sub.id;
  sched.status = 'active';
  sched.current_phase = { start_date: phase.start_date, end_date: phase.end_date };
}

/** Bring the schedule up to now: start it, enter the phase in force, or end it after its last phase. */
export function advance(ctx: Ctx, sched: SubscriptionSchedule): void {
  const before = snapshot(sched);
  const now = nowSeconds();
  if (sched.status === 'not_started' && now >= (sched.phases[0]?.start_date ?? now)) start(ctx, sched);
  if (sched.status !== 'active') {
    planNextJob(ctx, sched);
    return;
  }
  const sub = subscriptionOf(ctx, sched);
  if (!sub || sub.status === 'canceled' || sub.status === 'incomplete_expired') {
    finish(ctx, sched, 'canceled');
    return;
  }
  const phase = phaseAt(sched, now);
  if (!phase && now >= (lastPhase(sched)?.end_date ?? now)) {
    end(ctx, sched, sub);
    return;
  }
  if (phase && phase.start_date !== sched.current_phase?.start_date) {
    applyPhase(ctx, sched, sub, phase, phase.proration_behavior);
    sched.current_phase = { start_date: phase.start_date, end_date: phase.end_date };
  }
  ctx.app.store.changed();
  const prev = changes(before, sched);
  if (Object.keys(prev).length) emit(ctx, 'subscription_schedule.updated', sched, { previous: prev });
  planNextJob(ctx, sched);
}

/** The last phase ended: `release` leaves the subscription running, `cancel` ends it. */
function end(ctx: Ctx, sched: SubscriptionSchedule, sub: Subscription): void {
  if (sched.end_behavior === 'cancel') {
    finish(ctx, sched, 'completed');
    cancelNow(ctx, sub, 'cancellation_requested');
  } else release(ctx, sched);
}

/** Detach the subscription and keep it running (`/release`, or the end of a `release` schedule). */
export function release(ctx: Ctx, sched: SubscriptionSchedule): void {
  const subId = sched.subscription;
  sched.status = 'released';
  sched.released_at = nowSeconds();
  sched.released_subscription = subId;
  sched.subscription = null;
  sched.current_phase = null;
  unschedule(ctx.app, sched.id);
  ctx.app.store.changed();
  const sub = subId ? ctx.app.store.get(ctx.account, subId, 'subscription') : undefined;
  if (sub) attach(ctx, sub, null);
  emit(ctx, 'subscription_schedule.released', sched);
}

/** End the schedule as `canceled` (`/cancel`, or its subscription ended: `aborted` when for non-payment)
 * or `completed` (its last phase ended with `end_behavior=cancel`). */
export function finish(
  ctx: Ctx,
  sched: SubscriptionSchedule,
  status: 'canceled' | 'completed',
  event = `subscription_schedule.${status}`,
): void {
  const now = nowSeconds();
  sched.status = status;
  if (status === 'canceled') sched.canceled_at = now;
  else sched.completed_at = now;
  sched.current_phase = null;
  unschedule(ctx.app, sched.id);
  ctx.app.store.changed();
  emit(ctx, event, sched);
}

/** A new schedule: attached to its subscription (`from_subscription`), started now, or waiting. */
export function begin(ctx: Ctx, sched: SubscriptionSchedule, sub?: Subscription): void {
  if (sub) {
    sched.subscription = sub.id;
    sched.status = 'active';
    const ph = sched.phases[0]!;
    sched.current_phase = { start_date: ph.start_date, end_date: ph.end_date };
    emit(ctx, 'subscription_schedule.created', sched);
    attach(ctx, sub, sched.id);
    planNextJob(ctx, sched);
    return;
  }
  const first = sched.phases[0]!;
  if (first.start_date <= nowSeconds()) start(ctx, sched);
  emit(ctx, 'subscription_schedule.created', sched);
  planNextJob(ctx, sched);
}

/** After an update: a schedule now due starts, and the phase in force applies at once, with the request's
 * proration_behavior. */
export function reapply(ctx: Ctx, sched: SubscriptionSchedule, behavior: string): void {
  const now = nowSeconds();
  if (sched.status === 'not_started' && (sched.phases[0]?.start_date ?? now) <= now) start(ctx, sched);
  const sub = subscriptionOf(ctx, sched);
  const phase = phaseAt(sched, now);
  if (sched.status === 'active' && sub && phase) {
    applyPhase(ctx, sched, sub, phase, behavior);
    sched.current_phase = { start_date: phase.start_date, end_date: phase.end_date };
  }
  planNextJob(ctx, sched);
}

onJob(PHASE_JOB, (app, job) => {
  const sched = app.store.get(job.owner, job.target, 'subscription_schedule');
  if (sched) advance(systemCtx(app, job.owner), sched);
});

onJob(EXPIRING_JOB, (app, job) => {
  const sched = app.store.get(job.owner, job.target, 'subscription_schedule');
  if (sched?.status === 'active' || sched?.status === 'not_started') {
    emit(systemCtx(app, job.owner), 'subscription_schedule.expiring', sched);
  }
});

setBeforeRenewal((ctx, sub) => {
  const sched = sub.schedule
    ? ctx.app.store.get(ctx.account, sub.schedule, 'subscription_schedule')
    : undefined;
  if (sched?.status === 'active') advance(ctx, sched);
});

setAfterCancel((ctx, sub) => {
  const sched = sub.schedule
    ? ctx.app.store.get(ctx.account, sub.schedule, 'subscription_schedule')
    : undefined;
  if (sched?.status !== 'active') return;
  const dunning = sub.cancellation_details.reason === 'payment_failed';
  finish(ctx, sched, 'canceled', dunning ? 'subscription_schedule.aborted' : undefined);
});
