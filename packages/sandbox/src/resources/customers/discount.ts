// A customer's discount (`customer.discount`). API versions before 2025-03-31 (basil) apply one with `coupon`
// on a customer's create or update; basil removed that parameter (the Dashboard still applies one), and any
// version removes it with DELETE /v1/customers/:id/discount. A subscription with no discounts of its own
// inherits it on its invoices (Stripe's Subscriptions API, `discounts`: "If not specified or empty, inherits
// the discount from the subscription's customer"): subscriptions/model.ts `subscriptionDiscounts`.
import type { Ctx } from '../../app.ts';
import { API_VERSION } from '../../config.ts';
import { changes, emit, snapshot } from '../../events.ts';
import type { Customer } from '../../objects/payments.ts';
import type { Router } from '../../router.ts';
import { invalidRequest } from '../../wire/errors.ts';
import { validate } from '../../wire/schema.ts';
import { redeem, requireCoupon } from '../coupons.ts';
import { requireCustomer } from './model.ts';

/** The first API version without `coupon` (and `promotion_code`) on customers. */
const COUPON_REMOVED = '2025-03-31';

/** Whether the request's API version still takes `coupon` on a customer. */
export function acceptsCustomerCoupon(ctx: Ctx): boolean {
  return (ctx.apiVersion ?? API_VERSION).slice(0, 10) < COUPON_REMOVED;
}

/**
 * Applies `coupon` to the customer (the request's `coupon` param), replacing the discount it had:
 * `customer.discount.created`, or `customer.discount.updated` when it switches from one coupon to another.
 * The caller emits the customer's own `customer.created` / `customer.updated`.
 */
export function applyCustomerCoupon(ctx: Ctx, cus: Customer, couponId: string): () => void {
  const coupon = requireCoupon(ctx, couponId, 'coupon');
  if (!coupon.valid) throw invalidRequest(`Coupon expired: ${coupon.id}`, 'coupon', 'coupon_expired');
  const before = cus.discount;
  const di = redeem(ctx, coupon, { customer: cus.id });
  cus.discount = di;
  return () =>
    emit(
      ctx,
      before ? 'customer.discount.updated' : 'customer.discount.created',
      di,
      before ? { previous: { source: before.source, start: before.start, end: before.end } } : {},
    );
}

export function registerCustomerDiscount(r: Router): void {
  r.delete('/v1/customers/:id/discount', (ctx) => {
    validate({}, ctx.params);
    const cus = requireCustomer(ctx, ctx.path[0]!);
    const di = cus.discount;
    if (!di)
      throw invalidRequest(`No active discount for customer: '${cus.id}'`, 'id', 'resource_missing', 404);
    const before = snapshot(cus);
    cus.discount = null;
    ctx.app.store.changed();
    emit(ctx, 'customer.discount.deleted', di);
    emit(ctx, 'customer.updated', cus, { previous: changes(before, cus) });
    return { ...di, deleted: true };
  });
}
