// Coupons (percent or amount off; duration once / repeating / forever) and the discounts (`di_`) that
// apply them to invoices and subscriptions.
import type { Ctx } from '../app.ts';
import { emit } from '../events.ts';
import { requireOwn } from '../lookup.ts';
import type { Coupon, Discount } from '../objects/products.ts';
import type { Router } from '../router.ts';
import { invalidRequest } from '../wire/errors.ts';
import { newId, nowSeconds, randomString } from '../wire/ids.ts';
import { paginate } from '../wire/list.ts';
import {
  arr,
  enm,
  hash,
  int,
  listParams,
  mergeMetadata,
  metadata,
  type Out,
  obj,
  oneOf,
  str,
  validate,
} from '../wire/schema.ts';

export const discountsParam = arr(obj({ coupon: str, discount: str, promotion_code: str }));

/** Validated `discounts[]` params. */
export type DiscountsParam = Out<typeof discountsParam>;

export function requireCoupon(ctx: Ctx, id: string, param = 'coupon'): Coupon {
  return requireOwn(ctx, 'coupon', id, param);
}

/** Create discounts for `discounts[]` params (coupons or existing `di_`). */
export function discountsFor(
  ctx: Ctx,
  raw: DiscountsParam | undefined,
  link: { customer: string | null; subscription?: string | null; invoice?: string | null },
): string[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((d, i) => {
    if (d?.discount) return d.discount;
    if (!d?.coupon)
      throw invalidRequest(
        'Missing required param: discounts[][coupon].',
        `discounts[${i}][coupon]`,
        'parameter_missing',
      );
    const coupon = requireCoupon(ctx, d.coupon, `discounts[${i}][coupon]`);
    if (!coupon.valid)
      throw invalidRequest(`Coupon expired: ${coupon.id}`, `discounts[${i}][coupon]`, 'coupon_expired');
    return redeem(ctx, coupon, link).id;
  });
}

/** A new discount (`di_`) of `coupon` for what `link` names, counted as one redemption of the coupon. */
export function redeem(
  ctx: Ctx,
  coupon: Coupon,
  link: { customer: string | null; subscription?: string | null; invoice?: string | null },
): Discount {
  const start = nowSeconds();
  const months = coupon.duration === 'repeating' ? Number(coupon.duration_in_months ?? 1) : 0;
  const end = months ? addMonths(start, months) : null;
  const di: Discount = {
    id: newId('di'),
    object: 'discount',
    checkout_session: null,
    customer: link.customer,
    customer_account: null,
    end,
    invoice: link.invoice ?? null,
    invoice_item: null,
    promotion_code: null,
    source: { coupon: coupon.id, type: 'coupon' },
    start,
    subscription: link.subscription ?? null,
    subscription_item: null,
  };
  ctx.app.store.insert(ctx.account, di);
  coupon.times_redeemed = coupon.times_redeemed + 1;
  if (coupon.max_redemptions != null && coupon.times_redeemed >= coupon.max_redemptions) coupon.valid = false;
  return di;
}

export function addMonths(ts: number, months: number): number {
  const d = new Date(ts * 1000);
  const day = d.getUTCDate();
  const t = new Date(
    Date.UTC(
      d.getUTCFullYear(),
      d.getUTCMonth() + months,
      1,
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
    ),
  );
  const last = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
  t.setUTCDate(Math.min(day, last));
  return Math.floor(t.getTime() / 1000);
}

/** Whether a discount still applies to an invoice for a period starting at `at`. */
export function discountActive(ctx: Ctx, di: Discount, at: number): boolean {
  const coupon = ctx.app.store.get(ctx.account, di.source.coupon, 'coupon');
  if (!coupon) return false;
  if (coupon.duration === 'once') return !ctx.app.store.table<boolean>('discount_used').get(di.id);
  if (coupon.duration === 'repeating') return di.end == null || at < di.end;
  return true;
}

/** The amount a discount takes off `base` (a discountable subtotal). */
export function discountAmount(ctx: Ctx, di: Discount, base: number): number {
  const coupon = ctx.app.store.get(ctx.account, di.source.coupon, 'coupon');
  if (!coupon || base <= 0) return 0;
  if (coupon.percent_off != null) return Math.round((base * coupon.percent_off) / 100);
  return Math.min(base, coupon.amount_off ?? 0);
}

export function registerCoupons(r: Router): void {
  r.post('/v1/coupons', (ctx) => {
    const p = validate(
      {
        id: str,
        amount_off: int,
        currency: str,
        currency_options: hash,
        duration: enm('once', 'repeating', 'forever'),
        duration_in_months: int,
        max_redemptions: int,
        metadata,
        name: str,
        percent_off: oneOf(int, str),
        redeem_by: int,
        applies_to: obj({ products: arr(str) }),
      },
      ctx.params,
    );
    if (p.percent_off == null && p.amount_off == null) {
      throw invalidRequest('You must pass either `percent_off` or `amount_off`.', 'percent_off');
    }
    if (p.amount_off != null && !p.currency)
      throw invalidRequest(
        'You must pass currency when passing amount_off.',
        'currency',
        'parameter_missing',
      );
    const duration = p.duration ?? 'once';
    if (duration === 'repeating' && p.duration_in_months == null) {
      throw invalidRequest(
        'Missing required param: duration_in_months.',
        'duration_in_months',
        'parameter_missing',
      );
    }
    const c: Coupon = {
      id: p.id ?? randomString(8),
      object: 'coupon',
      amount_off: p.amount_off ?? null,
      created: nowSeconds(),
      currency: p.currency ? String(p.currency).toLowerCase() : null,
      duration,
      duration_in_months: duration === 'repeating' ? (p.duration_in_months ?? null) : null,
      livemode: false,
      max_redemptions: p.max_redemptions ?? null,
      metadata: mergeMetadata({}, p.metadata),
      name: p.name ?? null,
      percent_off: p.percent_off == null ? null : Number(p.percent_off),
      redeem_by: p.redeem_by ?? null,
      times_redeemed: 0,
      valid: true,
    };
    if (ctx.app.store.get(ctx.account, c.id))
      throw invalidRequest('Coupon already exists.', 'id', 'resource_already_exists');
    ctx.app.store.insert(ctx.account, c);
    emit(ctx, 'coupon.created', c);
    return c;
  });
  r.get('/v1/coupons/:id', (ctx) => {
    validate({}, ctx.params);
    return requireCoupon(ctx, ctx.path[0]!, 'id');
  });
  r.post('/v1/coupons/:id', (ctx) => {
    const p = validate({ metadata, name: str, currency_options: hash }, ctx.params);
    const c = requireCoupon(ctx, ctx.path[0]!, 'id');
    if (p.name !== undefined) c.name = p.name;
    if (p.metadata !== undefined) c.metadata = mergeMetadata(c.metadata, p.metadata);
    ctx.app.store.changed();
    emit(ctx, 'coupon.updated', c);
    return c;
  });
  r.delete('/v1/coupons/:id', (ctx) => {
    validate({}, ctx.params);
    const c = requireCoupon(ctx, ctx.path[0]!, 'id');
    ctx.app.store.remove(c.id);
    emit(ctx, 'coupon.deleted', c);
    return { id: c.id, object: 'coupon', deleted: true };
  });
  r.get('/v1/coupons', (ctx) =>
    paginate(ctx.app.store.list(ctx.account, 'coupon'), validate(listParams, ctx.params), '/v1/coupons'),
  );
}
