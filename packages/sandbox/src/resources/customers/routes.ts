// Customers: create/retrieve/update/delete/list/search; default payment method via invoice_settings.

import type { Ctx } from '../../app.ts';
import { changes, emit, snapshot } from '../../events.ts';
import { requireOwn } from '../../lookup.ts';
import type { Shipping } from '../../objects/common.ts';
import type { Customer } from '../../objects/payments.ts';
import type { Router } from '../../router.ts';
import { matchesSent, paginate, search } from '../../wire/list.ts';
import {
  address,
  any,
  arr,
  enm,
  fullAddress,
  hash,
  int,
  listParams,
  mergeMetadata,
  metadata,
  obj,
  type Params,
  str,
  type Valid,
  validate,
} from '../../wire/schema.ts';
import { attach, notAttached, resolvePaymentMethod } from '../payment_methods.ts';
import { recordBalance } from './balance.ts';
import { acceptsCustomerCoupon, applyCustomerCoupon, registerCustomerDiscount } from './discount.ts';
import { customerObject, requireCustomer } from './model.ts';

const invoiceSettings = obj({
  custom_fields: any,
  default_payment_method: str,
  footer: str,
  rendering_options: hash,
});

const shape = {
  address,
  balance: int,
  cash_balance: hash,
  description: str,
  email: str,
  invoice_prefix: str,
  invoice_settings: invoiceSettings,
  metadata,
  name: str,
  next_invoice_sequence: int,
  payment_method: str,
  phone: str,
  preferred_locales: arr(str),
  shipping: hash,
  source: str,
  tax: hash,
  tax_exempt: enm('none', 'exempt', 'reverse'),
  tax_id_data: any,
  test_clock: str,
  validate: any,
  individual_name: str,
  business_name: str,
};

type CustomerParams = Valid<typeof shape>;

/** The customer params of the request's API version: `coupon` only before basil (discount.ts). */
function shapeFor(ctx: Ctx) {
  return acceptsCustomerCoupon(ctx) ? { ...shape, coupon: str } : shape;
}
const couponOf = (p: object): string | undefined => (p as { coupon?: string | null }).coupon ?? undefined;

function shipping(v: Params | null | undefined): Shipping | null {
  if (!v) return null;
  return { address: fullAddress(v.address), name: v.name ?? null, phone: v.phone ?? null };
}

const DEFAULT_PM = 'invoice_settings[default_payment_method]';

function setDefaultPm(ctx: Ctx, cus: Customer, pmId: string | null): void {
  cus.invoice_settings.default_payment_method = pmId
    ? resolvePaymentMethod(ctx, pmId, DEFAULT_PM, cus.id).id
    : null;
}

/** A `balance` set directly is recorded in the ledger too (`initial` at creation, else `adjustment`). */
function setBalance(ctx: Ctx, cus: Customer, balance: number | null | undefined, initial: boolean): void {
  if (balance === undefined) return;
  const amount = (balance ?? 0) - cus.balance;
  if (amount === 0) return;
  recordBalance(ctx, cus, {
    amount,
    currency: cus.currency ?? 'usd',
    type: initial ? 'initial' : 'adjustment',
    quiet: initial,
  });
}

function apply(ctx: Ctx, cus: Customer, p: CustomerParams): void {
  if (p.description !== undefined) cus.description = p.description;
  if (p.email !== undefined) cus.email = p.email;
  if (p.name !== undefined) cus.name = p.name;
  if (p.phone !== undefined) cus.phone = p.phone;
  if (p.tax_exempt !== undefined) cus.tax_exempt = p.tax_exempt;
  if (p.preferred_locales !== undefined) cus.preferred_locales = p.preferred_locales ?? [];
  if (p.next_invoice_sequence != null) cus.next_invoice_sequence = p.next_invoice_sequence;
  if (p.invoice_prefix != null) cus.invoice_prefix = p.invoice_prefix;
  if (p.address !== undefined) cus.address = fullAddress(p.address);
  if (p.shipping !== undefined) cus.shipping = shipping(p.shipping);
  if (p.metadata !== undefined) cus.metadata = mergeMetadata(cus.metadata, p.metadata);
  const inv = p.invoice_settings;
  if (inv) {
    const settings = cus.invoice_settings;
    if (inv.default_payment_method !== undefined) setDefaultPm(ctx, cus, inv.default_payment_method);
    if (inv.footer !== undefined) settings.footer = inv.footer;
    if (inv.custom_fields !== undefined) settings.custom_fields = inv.custom_fields || null;
  }
}

export function registerCustomers(r: Router): void {
  r.post('/v1/customers', (ctx) => {
    const p = validate(shapeFor(ctx), ctx.params);
    if (p.test_clock) requireOwn(ctx, 'test_helpers.test_clock', p.test_clock, 'test_clock', 'test_clock');
    const cus = customerObject(null, p.test_clock ?? null);
    const pm = p.payment_method ? resolvePaymentMethod(ctx, p.payment_method) : null;
    // The default may name the PaymentMethod this request attaches (the same token names the same clone).
    const defaultId = p.invoice_settings?.default_payment_method;
    if (p.invoice_settings) delete p.invoice_settings.default_payment_method;
    const defaultPm = defaultId ? resolvePaymentMethod(ctx, defaultId, DEFAULT_PM) : null;
    if (defaultId && defaultPm && defaultPm !== pm) throw notAttached(defaultId, DEFAULT_PM);
    apply(ctx, cus, p);
    if (pm) attach(ctx, pm, cus.id);
    cus.invoice_settings.default_payment_method = defaultPm?.id ?? null;
    const coupon = couponOf(p);
    const discounted = coupon ? applyCustomerCoupon(ctx, cus, coupon) : null;
    ctx.app.store.insert(ctx.account, cus);
    setBalance(ctx, cus, p.balance, true);
    emit(ctx, 'customer.created', cus);
    discounted?.();
    return cus;
  });
  r.get('/v1/customers/search', (ctx) => {
    const p = validate({ query: str, limit: int, page: str }, ctx.params, ['query']);
    return search(ctx.app.store.list(ctx.account, 'customer'), p, '/v1/customers/search');
  });
  r.get('/v1/customers/:id', (ctx) => {
    validate({}, ctx.params);
    const deleted = ctx.app.store.table<boolean>('deleted_customers').get(ctx.path[0]!);
    if (deleted) return { id: ctx.path[0], object: 'customer', deleted: true };
    return requireCustomer(ctx, ctx.path[0]!);
  });
  r.post('/v1/customers/:id', (ctx) => {
    const p = validate({ ...shapeFor(ctx), default_source: str }, ctx.params);
    const cus = requireCustomer(ctx, ctx.path[0]!);
    // Checked before anything changes: a refused default leaves the customer (and its balance) as it was.
    const defaultId = p.invoice_settings?.default_payment_method;
    if (defaultId) resolvePaymentMethod(ctx, defaultId, DEFAULT_PM, cus.id);
    setBalance(ctx, cus, p.balance, false);
    const before = snapshot(cus);
    apply(ctx, cus, p);
    const coupon = couponOf(p);
    const discounted = coupon ? applyCustomerCoupon(ctx, cus, coupon) : null;
    ctx.app.store.changed();
    discounted?.();
    const prev = changes(before, cus);
    if (Object.keys(prev).length) emit(ctx, 'customer.updated', cus, { previous: prev });
    return cus;
  });
  registerCustomerDiscount(r);
  r.delete('/v1/customers/:id', (ctx) => {
    validate({}, ctx.params);
    const cus = requireCustomer(ctx, ctx.path[0]!);
    ctx.app.store.remove(cus.id);
    ctx.app.store.table<boolean>('deleted_customers').set(cus.id, true);
    emit(ctx, 'customer.deleted', cus);
    return { id: cus.id, object: 'customer', deleted: true };
  });
  r.get('/v1/customers', (ctx) => {
    const p = validate({ ...listParams, email: str, test_clock: str }, ctx.params);
    return paginate(ctx.app.store.list(ctx.account, 'customer'), p, '/v1/customers', (c) =>
      matchesSent(c, p, ['email', 'test_clock']),
    );
  });
}
