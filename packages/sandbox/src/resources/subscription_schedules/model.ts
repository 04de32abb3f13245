// What a subscription schedule is made of: its default settings and its phases, each with its items and its
// dates (a phase ends at its `end_date`, after its `duration`, after `iterations` of its first price's
// interval, or by default after one interval). No state transitions here (lifecycle.ts).
import type { Ctx } from '../../app.ts';
import { requireOwn } from '../../lookup.ts';
import type { Customer } from '../../objects/payments.ts';
import type { Price } from '../../objects/products.ts';
import type {
  ScheduleDefaultSettings,
  SchedulePhase,
  SchedulePhaseItem,
  SubscriptionSchedule,
} from '../../objects/subscription_schedules.ts';
import type { Subscription } from '../../objects/subscriptions.ts';
import { invalidRequest, missingParam } from '../../wire/errors.ts';
import { newId, nowSeconds } from '../../wire/ids.ts';
import { mergeMetadata } from '../../wire/schema.ts';
import { resolvePaymentMethod } from '../payment_methods.ts';
import {
  addInterval,
  itemsOf,
  recurringOf,
  recurringPrice,
  requireOneCycle,
} from '../subscriptions/model.ts';
import type { DefaultSettingsParams, PhaseParams } from './params.ts';

export function requireSchedule(ctx: Ctx, id: string): SubscriptionSchedule {
  return requireOwn(ctx, 'subscription_schedule', id, 'schedule');
}

export function defaultSettings(p: DefaultSettingsParams | null | undefined): ScheduleDefaultSettings {
  const fee = p?.application_fee_percent;
  return {
    application_fee_percent: fee == null ? null : Number(fee),
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: p?.billing_cycle_anchor ?? 'automatic',
    billing_thresholds: null,
    collection_method: p?.collection_method ?? 'charge_automatically',
    default_payment_method: p?.default_payment_method ?? null,
    description: p?.description ?? null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      days_until_due: null,
      description: null,
      footer: null,
      issuer: { type: 'self' },
    },
    on_behalf_of: p?.on_behalf_of ?? null,
    transfer_data: null,
  };
}

export function newSchedule(
  ctx: Ctx,
  cus: Customer,
  fields: Pick<SubscriptionSchedule, 'default_settings' | 'end_behavior' | 'metadata' | 'phases'>,
): SubscriptionSchedule {
  const sched: SubscriptionSchedule = {
    id: newId('sub_sched'),
    object: 'subscription_schedule',
    application: ctx.platform ? null : ctx.app.config.connectClientId,
    billing_mode: { flexible: null, type: 'classic' },
    canceled_at: null,
    completed_at: null,
    created: nowSeconds(),
    current_phase: null,
    customer: cus.id,
    customer_account: null,
    livemode: false,
    pause_schedules: [],
    released_at: null,
    released_subscription: null,
    status: 'not_started',
    subscription: null,
    test_clock: cus.test_clock ?? null,
    ...fields,
  };
  ctx.app.store.insert(ctx.account, sched);
  return sched;
}

function phaseItem(price: string, quantity: number, md: Record<string, string>): SchedulePhaseItem {
  return {
    billing_thresholds: null,
    discounts: [],
    metadata: md,
    plan: price,
    price,
    quantity,
    tax_rates: [],
  };
}

function blankPhase(start: number, end: number, currency: string, items: SchedulePhaseItem[]): SchedulePhase {
  return {
    add_invoice_items: [],
    application_fee_percent: null,
    billing_cycle_anchor: null,
    billing_thresholds: null,
    collection_method: null,
    currency,
    default_payment_method: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    end_date: end,
    invoice_settings: null,
    items,
    metadata: {},
    on_behalf_of: null,
    proration_behavior: 'create_prorations',
    start_date: start,
    transfer_data: null,
    trial_end: null,
  };
}

/** `from_subscription`: one phase, the subscription's items over its current period. */
export function phaseOfSubscription(sub: Subscription): SchedulePhase {
  const items = itemsOf(sub);
  return blankPhase(
    items[0]!.current_period_start,
    items[0]!.current_period_end,
    sub.currency,
    items.map((it) => phaseItem(it.price.id, it.quantity ?? 1, { ...it.metadata })),
  );
}

const at = (v: number | 'now' | null | undefined): number | null =>
  v === 'now' ? nowSeconds() : (v ?? null);

/** A default payment method named by a schedule: checked when the schedule is written, not when its phase
 * starts (the customer's own PaymentMethod, as the subscription it makes requires). */
export function schedulePaymentMethod(
  ctx: Ctx,
  id: string | null | undefined,
  param: string,
  customer: string,
): string | null {
  return id ? resolvePaymentMethod(ctx, id, param, customer).id : null;
}

/** Phases from `phases[]`, back to back from `start` (or the first phase's own `start_date`). */
export function buildPhases(
  ctx: Ctx,
  raw: (PhaseParams | null)[],
  start: number,
  customer: string,
): SchedulePhase[] {
  const out: SchedulePhase[] = [];
  let next = start;
  raw.forEach((p, i) => {
    const param = `phases[${i}]`;
    if (!p) throw missingParam(`${param}[items]`);
    const begin = at(p.start_date) ?? next;
    const rawItems = p.items ?? [];
    if (!rawItems.length) throw missingParam(`${param}[items]`);
    const prices = rawItems.map((li, n) => recurringPrice(ctx, li ?? {}, n, `${param}[items]`));
    requireOneCycle(prices, `${param}[items]`);
    const sent = [
      p.end_date != null && 'end_date',
      p.duration && 'duration',
      p.iterations != null && 'iterations',
    ];
    const lengths = sent.filter((s): s is string => Boolean(s));
    if (lengths.length > 1)
      throw invalidRequest(
        `You may only specify one of these parameters: ${lengths.join(', ')}.`,
        `${param}[${lengths[1]}]`,
      );
    const end = phaseEnd(p, prices[0]!, begin);
    if (end <= begin)
      throw invalidRequest(`The phase end_date must be after its start_date.`, `${param}[end_date]`);
    const items = rawItems.map((li, n) =>
      phaseItem(prices[n]!.id, li?.quantity ?? 1, mergeMetadata({}, li?.metadata)),
    );
    const ph = blankPhase(begin, end, prices[0]!.currency, items);
    ph.metadata = mergeMetadata({}, p.metadata);
    ph.proration_behavior = p.proration_behavior ?? 'create_prorations';
    ph.description = p.description ?? null;
    ph.collection_method = p.collection_method ?? null;
    ph.default_payment_method = schedulePaymentMethod(
      ctx,
      p.default_payment_method,
      `${param}[default_payment_method]`,
      customer,
    );
    ph.on_behalf_of = p.on_behalf_of ?? null;
    ph.billing_cycle_anchor = p.billing_cycle_anchor ?? null;
    ph.application_fee_percent = p.application_fee_percent == null ? null : Number(p.application_fee_percent);
    ph.trial_end = at(p.trial_end);
    out.push(ph);
    next = end;
  });
  return out;
}

function phaseEnd(p: PhaseParams, price: Price, start: number): number {
  const end = at(p.end_date);
  if (end !== null) return end;
  if (p.duration) return addInterval(start, p.duration.interval, p.duration.interval_count ?? 1, 1);
  const rec = recurringOf(price);
  return addInterval(start, rec.interval, rec.interval_count, p.iterations ?? 1);
}

/** The phase in force at `t` (null: before the first, or after the last). */
export function phaseAt(sched: SubscriptionSchedule, t: number): SchedulePhase | null {
  return sched.phases.find((ph) => ph.start_date <= t && t < ph.end_date) ?? null;
}

export function lastPhase(sched: SubscriptionSchedule): SchedulePhase | undefined {
  return sched.phases[sched.phases.length - 1];
}
