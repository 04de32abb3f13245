// /v1/subscriptions and /v1/subscription_items: create, retrieve, update (items, prorations, cancellation
// settings, pause_collection, trial_end=now), cancel, resume, list and search.
import type { Ctx } from '../../app.ts';
import { atCustomerTime, schedule, unschedule } from '../../billing/scheduler.ts';
import { changes, emit, snapshot } from '../../events.ts';
import { requireOwn } from '../../lookup.ts';
import type { Subscription, SubscriptionItem } from '../../objects/subscriptions.ts';
import type { Router } from '../../router.ts';
import { invalidRequest } from '../../wire/errors.ts';
import { nowSeconds } from '../../wire/ids.ts';
import { matchesSent, paginate, search } from '../../wire/list.ts';
import {
  any,
  assignSent,
  bool,
  enm,
  hash,
  int,
  listParams,
  mergeMetadata,
  metadata,
  obj,
  str,
  validate,
} from '../../wire/schema.ts';
import { discountsFor } from '../coupons.ts';
import { requireCustomer } from '../customers/model.ts';
import { newInvoiceItem } from '../invoices/items.ts';
import { resolvePaymentMethod } from '../payment_methods.ts';
import { priceDataShape } from '../products/prices.ts';
import { cancelNow, createSubscriptionFor } from './lifecycle.ts';
import { usageToDate } from './metered.ts';
import { cycleTable, itemsOf, requireSubscription } from './model.ts';
import { createShape, type ItemParams, itemParams, subscriptionInput, updateShape } from './params.ts';
import { discardPending, guardUpdate, requirePendingParams } from './pending.ts';
import {
  billingPeriodOf,
  changeItems,
  invoiceNow,
  prorate,
  restartPeriod,
  settleItemsChange,
} from './proration.ts';
import { renew } from './renewal.ts';

function update(ctx: Ctx): Subscription {
  const p = validate(updateShape, ctx.params);
  const sub = requireSubscription(ctx, ctx.path[0]!);
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') {
    throw invalidRequest(
      `A canceled subscription can only update its cancellation_details and metadata.`,
      undefined,
      'subscription_canceled',
    );
  }
  if (p.payment_behavior === 'pending_if_incomplete') requirePendingParams(ctx.params, sub);
  // a schedule owns the cancellation of the subscription it manages (its end_behavior, its phases)
  if (sub.schedule && (p.cancel_at_period_end != null || p.cancel_at !== undefined))
    throw invalidRequest(
      `The subscription is managed by the subscription schedule \`${sub.schedule}\`, and updating any cancelation behavior directly is not allowed. Please update the schedule instead.`,
      undefined,
    );
  return atCustomerTime(ctx.app, ctx.account, sub.customer, () => {
    if (p.items && sub.pending_update) discardPending(ctx, sub);
    const before = snapshot(sub);
    const guard = guardUpdate(sub, p.payment_behavior);
    const now = nowSeconds();
    const behavior = p.proration_behavior ?? 'create_prorations';
    const t = p.proration_date ?? now;
    if (p.default_payment_method !== undefined) {
      if (p.default_payment_method) {
        const pm = resolvePaymentMethod(
          ctx,
          p.default_payment_method,
          'default_payment_method',
          sub.customer,
        );
        sub.default_payment_method = pm.id;
      } else sub.default_payment_method = null;
    }
    const period = periodOf(sub);
    const restarting = mayRestart(sub, guard);
    const itemsChanged = p.items
      ? changeItems(ctx, sub, itemParams(p.items), behavior, t, restarting)
      : false;
    // a price of another billing period, or `billing_cycle_anchor=now`, starts a new period now
    const newPeriod = restarting && restarts(ctx, sub, period, p.billing_cycle_anchor === 'now');
    assignSent(sub, p, ['description', 'collection_method', 'days_until_due', 'on_behalf_of']);
    if (p.application_fee_percent !== undefined)
      sub.application_fee_percent =
        p.application_fee_percent == null ? null : Number(p.application_fee_percent);
    if (p.metadata !== undefined) sub.metadata = mergeMetadata(sub.metadata, p.metadata);
    if (p.discounts !== undefined)
      sub.discounts = discountsFor(ctx, p.discounts, {
        customer: sub.customer,
        subscription: sub.id,
      });
    const periodEnd = itemsOf(sub)[0]?.current_period_end ?? null;
    if (p.cancel_at_period_end != null) {
      sub.cancel_at_period_end = p.cancel_at_period_end;
      sub.cancel_at = p.cancel_at_period_end ? periodEnd : null;
      sub.canceled_at = p.cancel_at_period_end ? now : null;
      sub.cancellation_details = {
        comment: p.cancellation_details?.comment ?? null,
        feedback: p.cancellation_details?.feedback ?? null,
        reason: p.cancel_at_period_end ? 'cancellation_requested' : null,
      };
    }
    if (p.cancel_at !== undefined && p.cancel_at_period_end == null) {
      sub.cancel_at = p.cancel_at === '' || p.cancel_at == null ? null : Number(p.cancel_at);
      if (sub.cancel_at != null) {
        schedule(ctx.app, {
          at: sub.cancel_at,
          owner: ctx.account,
          clock: sub.test_clock,
          kind: 'sub_cancel_at',
          target: sub.id,
        });
      }
    }
    if (p.pause_collection !== undefined) {
      const pc = p.pause_collection;
      sub.pause_collection = pc ? { behavior: pc.behavior, resumes_at: pc.resumes_at ?? null } : null;
    }
    if (p.trial_end === 'now' && sub.status === 'trialing') {
      unschedule(ctx.app, sub.id, 'sub_cycle');
      unschedule(ctx.app, sub.id, 'sub_trial_will_end');
      sub.trial_end = now;
      sub.billing_cycle_anchor = now;
      cycleTable(ctx.app).set(sub.id, -1);
      for (const it of itemsOf(sub)) it.current_period_end = now;
      ctx.app.store.changed();
      emit(ctx, 'customer.subscription.updated', sub, { previous: changes(before, sub) });
      renew(ctx, sub.id, false, true);
      return sub;
    }
    ctx.app.store.changed();
    // Stripe's default: the customer is on session (3-D Secure is asked for, not declined).
    const offSession = p.off_session === true;
    const invoicing = itemsChanged && behavior === 'always_invoice';
    settleItemsChange(ctx, sub, before, {
      invoicing,
      guard,
      offSession,
      behavior: p.payment_behavior,
      newPeriod,
    });
    return sub;
  });
}

const periodOf = (sub: Subscription) => {
  const first = itemsOf(sub)[0];
  return first ? billingPeriodOf(first.price) : null;
};

/**
 * Whether an update may start a new billing period now (restartPeriod). Not for a trial (its end is the
 * anchor), nor (not modelled yet) for an update that waits for its payment: a pending update, and the
 * invoice preview, keep the period the subscription had.
 */
const mayRestart = (sub: Subscription, guard: unknown) =>
  !guard && ['active', 'past_due'].includes(String(sub.status));

/** Starts a new billing period now if the items moved to another billing period, or `now` asks for one. */
function restarts(ctx: Ctx, sub: Subscription, before: string | null, now = false): boolean {
  if (!now && (before === null || periodOf(sub) === before)) return false;
  restartPeriod(ctx, sub);
  return true;
}

function create(ctx: Ctx): Subscription {
  const p = validate(createShape, ctx.params, ['customer']);
  const raw = itemParams(p.items ?? []);
  if (!raw.length) throw invalidRequest('Missing required param: items.', 'items', 'parameter_missing');
  requireCustomer(ctx, p.customer, 'customer');
  if (p.collection_method === 'send_invoice' && p.days_until_due == null) {
    throw invalidRequest(
      '`days_until_due` is required when `collection_method` is `send_invoice`.',
      'days_until_due',
      'parameter_missing',
    );
  }
  return atCustomerTime(ctx.app, ctx.account, p.customer, () =>
    createSubscriptionFor(ctx, subscriptionInput(ctx, p, raw)),
  );
}

export function registerSubscriptions(r: Router): void {
  r.post('/v1/subscriptions', create);
  r.get('/v1/subscriptions/search', (ctx) => {
    const p = validate({ query: str, limit: int, page: str }, ctx.params, ['query']);
    return search(ctx.app.store.list(ctx.account, 'subscription'), p, '/v1/subscriptions/search');
  });
  r.get('/v1/subscriptions/:id', (ctx) => {
    validate({}, ctx.params);
    return requireSubscription(ctx, ctx.path[0]!);
  });
  r.post('/v1/subscriptions/:id', update);
  r.delete('/v1/subscriptions/:id', (ctx) => {
    const p = validate(
      { cancellation_details: obj({ comment: str, feedback: str }), invoice_now: bool, prorate: bool },
      ctx.params,
    );
    const sub = requireSubscription(ctx, ctx.path[0]!);
    if (sub.status === 'canceled') {
      throw invalidRequest(`This subscription is already canceled.`, undefined, 'resource_missing', 404);
    }
    return atCustomerTime(ctx.app, ctx.account, sub.customer, () => {
      if (p.prorate) {
        for (const it of itemsOf(sub)) {
          prorate(ctx, sub, it, { price: it.price, qty: it.quantity ?? 0 }, null, nowSeconds());
        }
      }
      const cd = p.cancellation_details;
      // `invoice_now` "invoices for any un-invoiced metered usage and new/pending proration invoice
      // items" (docs.stripe.com/api/subscriptions/cancel); without it that usage is never billed.
      if (p.invoice_now) for (const usage of usageToDate(ctx, sub)) newInvoiceItem(ctx, usage);
      cancelNow(ctx, sub, 'cancellation_requested', cd?.comment ?? null, cd?.feedback ?? null);
      if (p.invoice_now) invoiceNow(ctx, sub);
      return sub;
    });
  });
  r.post('/v1/subscriptions/:id/resume', (ctx) => {
    validate({ billing_cycle_anchor: str, proration_behavior: str, proration_date: int }, ctx.params);
    const sub = requireSubscription(ctx, ctx.path[0]!);
    if (sub.status !== 'paused')
      throw invalidRequest('Only paused subscriptions can be resumed.', undefined, 'subscription_not_paused');
    return atCustomerTime(ctx.app, ctx.account, sub.customer, () => {
      // Resuming starts a new billing cycle now and invoices it.
      const now = nowSeconds();
      unschedule(ctx.app, sub.id, 'sub_cycle');
      sub.billing_cycle_anchor = now;
      cycleTable(ctx.app).set(sub.id, -1);
      for (const it of itemsOf(sub)) it.current_period_end = now;
      renew(ctx, sub.id, true);
      if (sub.status === 'active') emit(ctx, 'customer.subscription.resumed', sub);
      return sub;
    });
  });
  r.get('/v1/subscriptions', (ctx) => {
    const p = validate(
      {
        ...listParams,
        customer: str,
        customer_account: str,
        price: str,
        status: str,
        test_clock: str,
        collection_method: str,
        current_period_end: any,
        current_period_start: any,
        automatic_tax: hash,
      },
      ctx.params,
    );
    return paginate(
      ctx.app.store.list(ctx.account, 'subscription'),
      p,
      '/v1/subscriptions',
      (o) =>
        matchesSent(o, p, ['customer', 'test_clock']) &&
        (!p.price || itemsOf(o).some((i) => i.price.id === p.price)) &&
        (p.status === 'all' ||
          (p.status
            ? o.status === p.status
            : !['canceled', 'incomplete_expired'].includes(String(o.status)))),
    );
  });

  const requireItem = (ctx: Ctx, id: string): SubscriptionItem =>
    requireOwn(ctx, 'subscription_item', id, 'item');
  const itemShape = {
    price: str,
    price_data: obj({ ...priceDataShape, product: str }),
    plan: str,
    quantity: int,
    metadata,
    proration_behavior: enm('always_invoice', 'create_prorations', 'none'),
    proration_date: int,
    payment_behavior: enm(
      'allow_incomplete',
      'default_incomplete',
      'error_if_incomplete',
      'pending_if_incomplete',
    ),
    off_session: bool,
    discounts: any,
    tax_rates: any,
    billing_thresholds: any,
  };
  const mutate = (
    ctx: Ctx,
    sub: Subscription,
    change: ItemParams,
    p: {
      proration_behavior?: string | null;
      proration_date?: number | null;
      payment_behavior?: string | null;
      off_session?: boolean | null;
    },
  ) => {
    if (p.payment_behavior === 'pending_if_incomplete') requirePendingParams(ctx.params, sub, true);
    return atCustomerTime(ctx.app, ctx.account, sub.customer, () => {
      if (sub.pending_update) discardPending(ctx, sub);
      const before = snapshot(sub);
      const guard = guardUpdate(sub, p.payment_behavior);
      const behavior = p.proration_behavior ?? 'create_prorations';
      const period = periodOf(sub);
      const restarting = mayRestart(sub, guard);
      const t = p.proration_date ?? nowSeconds();
      const changed = changeItems(ctx, sub, [change], behavior, t, restarting);
      const newPeriod = restarting && restarts(ctx, sub, period);
      ctx.app.store.changed();
      const offSession = p.off_session === true;
      const invoicing = changed && behavior === 'always_invoice';
      settleItemsChange(ctx, sub, before, {
        invoicing,
        guard,
        offSession,
        behavior: p.payment_behavior,
        newPeriod,
      });
    });
  };
  r.post('/v1/subscription_items', (ctx) => {
    const p = validate({ ...itemShape, subscription: str }, ctx.params, ['subscription']);
    const sub = requireSubscription(ctx, p.subscription, 'subscription');
    const ids = new Set(itemsOf(sub).map((i) => i.id));
    mutate(
      ctx,
      sub,
      { price: p.price, price_data: p.price_data, plan: p.plan, quantity: p.quantity, metadata: p.metadata },
      p,
    );
    // pending (`pending_if_incomplete`, unpaid): the new item is in `pending_update`
    const added = [...itemsOf(sub), ...(sub.pending_update?.subscription_items ?? [])];
    return added.find((i) => !ids.has(i.id));
  });
  r.get('/v1/subscription_items/:id', (ctx) => {
    validate({}, ctx.params);
    return requireItem(ctx, ctx.path[0]!);
  });
  r.post('/v1/subscription_items/:id', (ctx) => {
    const p = validate(itemShape, ctx.params);
    const it = requireItem(ctx, ctx.path[0]!);
    const sub = requireSubscription(ctx, it.subscription);
    mutate(
      ctx,
      sub,
      {
        id: it.id,
        price: p.price,
        price_data: p.price_data,
        plan: p.plan,
        quantity: p.quantity,
        metadata: p.metadata,
      },
      p,
    );
    return it;
  });
  r.delete('/v1/subscription_items/:id', (ctx) => {
    const p = validate({ clear_usage: bool, proration_behavior: str, proration_date: int }, ctx.params);
    const it = requireItem(ctx, ctx.path[0]!);
    const sub = requireSubscription(ctx, it.subscription);
    if (itemsOf(sub).length === 1) {
      throw invalidRequest(
        'A subscription must have at least one active plan. To cancel a subscription, send a DELETE request to the subscription endpoint instead.',
      );
    }
    mutate(ctx, sub, { id: it.id, deleted: true }, p);
    return { id: it.id, object: 'subscription_item', deleted: true };
  });
  r.get('/v1/subscription_items', (ctx) => {
    const p = validate({ ...listParams, subscription: str }, ctx.params, ['subscription']);
    const sub = requireSubscription(ctx, p.subscription, 'subscription');
    return paginate(itemsOf(sub), p, '/v1/subscription_items');
  });
}
