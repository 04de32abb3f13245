// `POST /v1/invoices/create_preview` and `invoice.upcoming`: the next invoice of a subscription (or of a new
// one) with the prorations a proposed change would create, computed and never stored.
import { type Ctx, systemCtx } from '../../app.ts';
import { atCustomerTime, onJob } from '../../billing/scheduler.ts';
import { emit } from '../../events.ts';
import type { Invoice } from '../../objects/invoices.ts';
import type { Price } from '../../objects/products.ts';
import type { Router } from '../../router.ts';
import { invalidRequest, notFound } from '../../wire/errors.ts';
import { nowSeconds } from '../../wire/ids.ts';
import { any, arr, bool, enm, hash, int, obj, str, validate } from '../../wire/schema.ts';
import type { ItemInput } from '../invoices/items.ts';
import { buildLine, itemLine, priceOfItem, recompute } from '../invoices/lines.ts';
import { newInvoice } from '../invoices/model.ts';
import { priceAmount } from '../products/prices.ts';
import { meteredUsage, usageUntilChange } from './metered.ts';
import {
  addInterval,
  cycleTable,
  isMetered,
  itemsOf,
  lineDescription,
  recurringOf,
  recurringPrice,
  requireSubscription,
  subscriptionDiscounts,
} from './model.ts';
import { itemParams, itemUpdateShape } from './params.ts';
import { type ItemPeriod, prorate } from './proration.ts';

onJob('sub_upcoming', (app, job) => {
  const ctx = systemCtx(app, job.owner);
  const sub = app.store.get(job.owner, job.target, 'subscription');
  if (!sub || !['active', 'trialing', 'past_due'].includes(String(sub.status)) || sub.cancel_at_period_end)
    return;
  const { id: _preview, ...upcoming } = preview({ ...ctx, params: { subscription: sub.id } });
  emit(ctx, 'invoice.upcoming', upcoming);
});

interface Virtual {
  id: string | null;
  price: Price;
  qty: number;
  start: number;
  end: number;
  /** set when the proposed change puts a metered price on the item at this time */
  since?: number;
}

/** `POST /v1/invoices/create_preview`: the next invoice of a subscription (or of a new one), with the
 * prorations a proposed `subscription_details` change would create — computed, nothing stored. */
function preview(ctx: Ctx): Invoice {
  const p = validate(
    {
      automatic_tax: hash,
      currency: str,
      customer: str,
      customer_account: str,
      customer_details: hash,
      discounts: any,
      invoice_items: any,
      issuer: hash,
      on_behalf_of: str,
      preview_mode: str,
      schedule: str,
      schedule_details: hash,
      subscription: str,
      subscription_details: obj({
        billing_cycle_anchor: any,
        cancel_at: any,
        cancel_at_period_end: bool,
        cancel_now: bool,
        default_tax_rates: any,
        items: arr(itemUpdateShape),
        proration_behavior: enm('always_invoice', 'create_prorations', 'none'),
        proration_date: int,
        resume_at: str,
        start_date: int,
        trial_end: any,
        billing_mode: hash,
      }),
    },
    ctx.params,
  );
  const sd = p.subscription_details ?? {};
  const sub = p.subscription ? requireSubscription(ctx, p.subscription, 'subscription') : null;
  const customer = String(p.customer ?? sub?.customer ?? '');
  if (!customer) throw invalidRequest('Missing required param: customer.', 'customer', 'parameter_missing');
  return atCustomerTime(ctx.app, ctx.account, customer, () => {
    const now = nowSeconds();
    let raw = itemParams(sd.items ?? []);
    if (!sub) {
      if (!raw.length)
        throw invalidRequest(
          'Provide `subscription` or `subscription_details[items]`.',
          'subscription_details[items]',
          'parameter_missing',
        );
      const prices = raw.map((li, n) => recurringPrice(ctx, li, n, 'subscription_details[items]', true));
      const rec = recurringOf(prices[0]!);
      const end = addInterval(now, rec.interval, rec.interval_count, 1);
      const inv = newInvoice(ctx, {
        customer,
        billing_reason: 'subscription_create',
        currency: prices[0]!.currency,
        period: { start: now, end: now },
        persist: false,
      });
      prices.forEach((price, n) => {
        const qty = raw[n]!.quantity ?? 1;
        inv.lines.data.push(
          itemLine(inv, {
            amount: priceAmount(ctx, price, qty),
            description: lineDescription(ctx, price, qty),
            price,
            quantity: qty,
            period: { start: now, end },
            subscription: null,
            subscriptionItem: null,
          }),
        );
      });
      recompute(ctx, inv);
      return inv;
    }
    const behavior = sd.proration_behavior ?? 'create_prorations';
    const t = sd.proration_date ?? now;
    const items = itemsOf(sub);
    const ps = items[0]?.current_period_start ?? now;
    const pe = items[0]?.current_period_end ?? now;
    const virtual: Virtual[] = items.map((it) => ({
      id: it.id,
      price: it.price,
      qty: it.quantity ?? 0,
      start: ps,
      end: pe,
    }));
    const prorations: ItemInput[] = [];
    const sink = (i: ItemInput) => prorations.push(i);
    const prorating = behavior !== 'none' && (sub.status === 'active' || sub.status === 'past_due');
    const itemUsageUntil = (id: string, price: Price) => {
      const it = items.find((x) => x.id === id);
      return it ? usageUntilChange(ctx, sub, it, price, t, behavior) : null;
    };
    const span = (v: Virtual): ItemPeriod => ({ current_period_start: v.start, current_period_end: v.end });
    // `cancel_now`: the subscription ends at once — every item leaves (credit for the unused time, usage so
    // far), billed now, and no next period.
    if (sd.cancel_now) raw = items.map((it) => ({ id: it.id, deleted: true }));
    raw.forEach((li, n) => {
      const v = li.id ? virtual.find((x) => x.id === li.id) : undefined;
      if (li.id && !v) throw notFound('subscription_item', li.id, `subscription_details[items][${n}][id]`);
      if (v && li.deleted) {
        if (prorating) prorate(ctx, sub, span(v), { price: v.price, qty: v.qty }, null, t, sink);
        const usage = v.id ? itemUsageUntil(v.id, v.price) : null;
        if (usage) sink(usage);
        virtual.splice(virtual.indexOf(v), 1);
        return;
      }
      const price =
        li.price || li.price_data || li.plan
          ? recurringPrice(ctx, li, n, 'subscription_details[items]', true)
          : null;
      if (v) {
        const to = { price: price ?? v.price, qty: li.quantity ?? v.qty };
        if (prorating && (to.price.id !== v.price.id || to.qty !== v.qty))
          prorate(ctx, sub, span(v), { price: v.price, qty: v.qty }, to, t, sink);
        if (to.price.id !== v.price.id) {
          const usage = v.id ? itemUsageUntil(v.id, v.price) : null;
          if (usage) sink(usage);
          v.since = t;
        }
        v.price = to.price;
        v.qty = to.qty;
        return;
      }
      if (!price)
        throw invalidRequest(
          `Missing required param: subscription_details[items][${n}][price].`,
          `subscription_details[items][${n}][price]`,
          'parameter_missing',
        );
      const nv: Virtual = { id: null, price, qty: li.quantity ?? 1, start: ps, end: pe, since: t };
      virtual.push(nv);
      if (prorating) prorate(ctx, sub, span(nv), null, { price, qty: nv.qty }, t, sink);
    });
    const rec = recurringOf(virtual[0]?.price ?? items[0]!.price);
    const cycle = cycleTable(ctx.app).get(sub.id) ?? 0;
    const anchor = sub.billing_cycle_anchor;
    const nextStart = addInterval(anchor, rec.interval, rec.interval_count, cycle + 1);
    const nextEnd = addInterval(anchor, rec.interval, rec.interval_count, cycle + 2);
    const immediate = behavior === 'always_invoice' || sd.cancel_now === true;
    const inv = newInvoice(ctx, {
      customer,
      collection_method: String(sub.collection_method),
      billing_reason: immediate ? 'subscription_update' : 'upcoming',
      subscription: sub,
      currency: sub.currency,
      period: immediate ? { start: ps, end: pe } : { start: ps, end: pe },
      discounts: subscriptionDiscounts(ctx, sub, immediate ? now : nextStart),
      persist: false,
    });
    const lines = inv.lines.data;
    const line = (i: ItemInput) =>
      lines.push(
        buildLine(inv, {
          amount: i.amount ?? 0,
          description: i.description ?? null,
          price: i.price ?? null,
          quantity: i.quantity ?? 1,
          period: i.period ?? { start: now, end: now },
          proration: i.proration ?? false,
          subscription: sub.id,
          subscriptionItem: null,
          invoiceItem: null,
          discountable: i.discountable ?? true,
          metadata: {},
        }),
      );
    for (const ii of ctx.app.store.list(ctx.account, 'invoiceitem')) {
      const owner = ii.parent?.subscription_details.subscription;
      if (ii.invoice || ii.customer !== customer || (owner && owner !== sub.id)) continue;
      line({
        customer,
        amount: ii.amount,
        description: ii.description,
        price: priceOfItem(ctx, ii),
        quantity: ii.quantity,
        period: ii.period,
        proration: ii.proration,
        discountable: ii.discountable,
      });
    }
    for (const i of prorations) line(i);
    if (!immediate && !sd.cancel_at_period_end && !sub.cancel_at_period_end) {
      for (const v of virtual) {
        const metered = isMetered(v.price);
        const usage = metered
          ? meteredUsage(ctx, customer, v.id, v.price, Math.max(ps, v.since ?? ps), pe)
          : null;
        const qty = usage ? usage.quantity : v.qty;
        line({
          customer,
          amount: priceAmount(ctx, v.price, qty),
          description: lineDescription(ctx, v.price, qty),
          price: v.price,
          quantity: qty,
          period: usage ? usage.period : { start: nextStart, end: nextEnd },
          proration: false,
        });
      }
      inv.period_start = ps;
      inv.period_end = pe;
      inv.created = nextStart;
      inv.next_payment_attempt = nextStart;
    }
    recompute(ctx, inv);
    if (sub.application_fee_percent != null) {
      inv.application_fee_amount = Math.round((inv.amount_due * Number(sub.application_fee_percent)) / 100);
    }
    return inv;
  });
}

/** Registered before `/v1/invoices/:id` so `create_preview` is not taken for an id. */
export function registerInvoicePreview(r: Router): void {
  r.post('/v1/invoices/create_preview', preview);
}
