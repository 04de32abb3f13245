// A subscription's MRR from a Stripe subscription object (docs/analytics.md, "Capture"): its recurring licensed
// items brought to one month, after the discounts that apply at the instant, for the statuses that count.
// Pure code: the object is read as Stripe (or our mirror) gives it, with ids where nothing is expanded.
import { type DecimalLike, type Fraction, fraction, parseDecimal, roundHalfEven } from './fraction.ts';
import type { ChurnKind } from './types.ts';

export interface CouponLike {
  id?: string;
  percent_off?: number | null;
  amount_off?: number | null;
  currency?: string | null;
  currency_options?: Record<string, { amount_off?: number | null } | undefined> | null;
  duration?: string | null;
  applies_to?: { products?: string[] | null } | null;
}

/** A discount as Stripe gives it expanded: its coupon under `source.coupon` (or `coupon` before 2025). */
export interface DiscountLike {
  id: string;
  object?: string;
  start?: number | null;
  end?: number | null;
  source?: { coupon?: string | CouponLike | null } | null;
  coupon?: string | CouponLike | null;
}

type DiscountRef = string | DiscountLike | null | undefined;

interface PriceLike {
  id?: string;
  product?: string | { id?: string } | null;
  unit_amount?: number | null;
  unit_amount_decimal?: DecimalLike | null;
  billing_scheme?: string | null;
  tiers_mode?: string | null;
  tiers?:
    | {
        up_to: number | null;
        unit_amount_decimal?: DecimalLike | null;
        unit_amount?: number | null;
        flat_amount_decimal?: DecimalLike | null;
        flat_amount?: number | null;
      }[]
    | null;
  transform_quantity?: { divide_by: number; round: string } | null;
  recurring?: { interval: string; interval_count?: number | null; usage_type?: string | null } | null;
}

export interface ItemLike {
  id?: string;
  price?: PriceLike | null;
  quantity?: number | null;
  discounts?: DiscountRef[] | null;
}

/** The fields of a Stripe subscription the valuation reads. */
export interface SubscriptionLike {
  id: string;
  status: string;
  currency: string;
  /** expanded (`customer.discount.source.coupon`), its discount applies where the subscription has none */
  customer: string | { id: string; discount?: DiscountLike | null };
  items?: { data?: ItemLike[] | null } | null;
  discounts?: DiscountRef[] | null;
  /** the single discount of API versions before 2025 */
  discount?: DiscountLike | null;
  pause_collection?: object | null;
  ended_at?: number | null;
  canceled_at?: number | null;
  cancellation_details?: { reason?: string | null } | null;
}

/** What a subscription counts at an instant. `churnKind`: why it counts 0 (when it does). */
export interface Valuation {
  currency: string;
  mrr: number;
  churnKind?: ChurnKind;
}

/** The discount objects a subscription carries expanded (by id), to resolve the ids of another copy of it. */
export type DiscountTerms = ReadonlyMap<string, DiscountLike>;

const idOf = (v: unknown): string | null =>
  typeof v === 'string' ? v : v && typeof v === 'object' && 'id' in v ? String(v.id) : null;

export function discountTerms(...subscriptions: (SubscriptionLike | null | undefined)[]): DiscountTerms {
  const terms = new Map<string, DiscountLike>();
  const add = (d: DiscountRef) => {
    if (d && typeof d === 'object' && d.id && couponOf(d)) terms.set(d.id, d);
  };
  for (const s of subscriptions) {
    if (!s) continue;
    for (const d of s.discounts ?? []) add(d);
    add(s.discount);
    add(customerDiscountOf(s));
    for (const item of s.items?.data ?? []) for (const d of item.discounts ?? []) add(d);
  }
  return terms;
}

/** The customer's discount, when the subscription carries its customer expanded. */
function customerDiscountOf(s: SubscriptionLike): DiscountLike | null {
  return typeof s.customer === 'object' ? (s.customer.discount ?? null) : null;
}

function couponOf(d: DiscountLike): CouponLike | null {
  const c = d.source?.coupon ?? d.coupon;
  return c && typeof c === 'object' ? c : null;
}

// One interval of each unit as a share of a month: a year is 1/12 (÷ 12), a week 52/12, a day 365/12.
const PER_MONTH: Record<string, Fraction> = {
  day: fraction(365n, 12n),
  week: fraction(52n, 12n),
  month: fraction(1n, 1n),
  year: fraction(1n, 12n),
};

/** An amount billed every `interval_count` intervals, brought to one month; null for an unknown interval. */
function monthly(amount: Fraction, recurring: PriceLike['recurring']): Fraction | null {
  const perMonth = recurring ? PER_MONTH[recurring.interval] : undefined;
  if (!perMonth) return null;
  const count = BigInt(Math.max(1, recurring?.interval_count ?? 1));
  return amount.times(perMonth).divide(count);
}

const amountOf = (
  decimal: DecimalLike | null | undefined,
  integer: number | null | undefined,
): Fraction | null =>
  decimal != null ? parseDecimal(decimal) : integer != null ? fraction(BigInt(integer)) : null;

/** One billing interval of a licensed item: its price × quantity (packages and tiers as Stripe bills them). */
function intervalAmount(price: PriceLike, quantity: number): Fraction | null {
  if (price.billing_scheme === 'tiered') return tieredAmount(price, quantity);
  const unit = amountOf(price.unit_amount_decimal, price.unit_amount);
  if (!unit) return null;
  const t = price.transform_quantity;
  if (t && t.divide_by > 0) {
    const packages =
      t.round === 'down' ? Math.floor(quantity / t.divide_by) : Math.ceil(quantity / t.divide_by);
    return unit.times(fraction(BigInt(packages)));
  }
  return unit.times(fraction(BigInt(quantity)));
}

function tieredAmount(price: PriceLike, quantity: number): Fraction | null {
  const tiers = price.tiers;
  if (!tiers?.length) return null; // tiers come only expanded (`items.data.price.tiers`)
  const unitOf = (t: (typeof tiers)[number]) =>
    amountOf(t.unit_amount_decimal, t.unit_amount) ?? fraction(0n);
  const flatOf = (t: (typeof tiers)[number]) =>
    amountOf(t.flat_amount_decimal, t.flat_amount) ?? fraction(0n);
  if (price.tiers_mode === 'volume') {
    const tier = tiers.find((t) => t.up_to === null || quantity <= t.up_to) ?? tiers[tiers.length - 1]!;
    return unitOf(tier)
      .times(fraction(BigInt(quantity)))
      .plus(flatOf(tier));
  }
  let total = fraction(0n);
  let below = 0;
  for (const t of tiers) {
    if (quantity <= below) break;
    const upTo = t.up_to === null ? quantity : Math.min(t.up_to, quantity);
    total = total.plus(unitOf(t).times(fraction(BigInt(upTo - below)))).plus(flatOf(t));
    below = upTo;
  }
  return total;
}

interface Line {
  product: string | null;
  amount: Fraction;
  interval: PriceLike['recurring'];
  discounts: DiscountRef[];
}

/** The subscription's licensed recurring items as monthly amounts; metered ones bill usage, not MRR. */
function linesOf(s: SubscriptionLike): Line[] {
  const lines: Line[] = [];
  for (const item of s.items?.data ?? []) {
    const price = item.price;
    if (!price?.recurring || price.recurring.usage_type === 'metered') continue;
    const perInterval = intervalAmount(price, item.quantity ?? 1);
    const amount = perInterval && monthly(perInterval, price.recurring);
    if (!amount) continue;
    lines.push({
      product: idOf(price.product),
      amount,
      interval: price.recurring,
      discounts: item.discounts ?? [],
    });
  }
  return lines;
}

/** The discount behind a reference, when it applies at `at` (seconds): `forever`, or `repeating` until its end. */
function applying(ref: DiscountRef, terms: DiscountTerms, at: number): { coupon: CouponLike } | null {
  const id = idOf(ref);
  const d =
    (ref && typeof ref === 'object' && couponOf(ref) ? ref : null) ?? (id ? terms.get(id) : undefined);
  const coupon = d ? couponOf(d) : null;
  if (!d || !coupon) return null;
  if (coupon.duration !== 'forever' && coupon.duration !== 'repeating') return null;
  if (d.start != null && at < d.start) return null;
  if (d.end != null && at >= d.end) return null;
  return { coupon };
}

/**
 * Takes one coupon off the lines it applies to (every line, or those of its products), in place: a percentage
 * of each, or a fixed amount per billing interval (brought to a month) shared in proportion to their amounts,
 * never below 0. A fixed amount in another currency than the subscription's does not apply.
 */
function deduct(lines: Line[], coupon: CouponLike, currency: string): void {
  const products = coupon.applies_to?.products;
  const eligible = lines.filter(
    (l) => !products?.length || (l.product !== null && products.includes(l.product)),
  );
  if (eligible.length === 0) return;
  if (coupon.percent_off != null) {
    const kept = fraction(100n)
      .minus(parseDecimal(String(coupon.percent_off)))
      .divide(100n);
    for (const l of eligible) l.amount = l.amount.times(kept).atLeastZero();
    return;
  }
  const off =
    coupon.currency_options?.[currency]?.amount_off ??
    (coupon.currency?.toLowerCase() === currency ? coupon.amount_off : null);
  if (off == null || off <= 0) return;
  const base = eligible.reduce((sum, l) => sum.plus(l.amount), fraction(0n));
  if (base.isZero()) return;
  const amountOff = monthly(fraction(BigInt(off)), eligible[0]!.interval);
  if (!amountOff) return;
  const taken = amountOff.compare(base) >= 0 ? base : amountOff;
  const kept = base.minus(taken).over(base);
  for (const l of eligible) l.amount = l.amount.times(kept);
}

function counted(s: SubscriptionLike): { counts: true } | { counts: false; churnKind: ChurnKind } {
  switch (s.status) {
    case 'active':
    case 'past_due':
      // collection paused: nothing is billed while it lasts
      return s.pause_collection ? { counts: false, churnKind: 'voluntary' } : { counts: true };
    case 'unpaid':
      return { counts: false, churnKind: 'involuntary' };
    case 'canceled': {
      const reason = s.cancellation_details?.reason;
      const unpaid = reason === 'payment_failed' || reason === 'payment_disputed';
      return { counts: false, churnKind: unpaid ? 'involuntary' : 'voluntary' };
    }
    default: // trialing, incomplete, incomplete_expired, paused
      return { counts: false, churnKind: 'voluntary' };
  }
}

/**
 * The subscription's MRR at `at`, in minor units of its currency, rounded once half to even: item discounts
 * first, then the subscription's, in the order Stripe lists them (or, where none of those applies, its
 * customer's). `terms` resolves discounts given as ids.
 */
export function valueAt(s: SubscriptionLike, at: Date, terms: DiscountTerms = new Map()): Valuation {
  const currency = s.currency.toLowerCase();
  const status = counted(s);
  if (!status.counts) return { currency, mrr: 0, churnKind: status.churnKind };
  const seconds = Math.floor(at.getTime() / 1000);
  const lines = linesOf(s);
  for (const line of lines)
    for (const ref of line.discounts) {
      const d = applying(ref, terms, seconds);
      if (d) deduct([line], d.coupon, currency);
    }
  // `discount` (one, before 2025) is one of `discounts` where both are given
  const own = s.discounts?.length ? s.discounts : [s.discount];
  const applied = own.map((ref) => applying(ref, terms, seconds)).filter((d) => d !== null);
  // Stripe: a subscription with no discounts of its own inherits its customer's (the `discounts` parameter
  // of the Subscriptions API); one that counts here takes precedence over the customer's
  if (applied.length === 0) {
    const d = applying(customerDiscountOf(s), terms, seconds);
    if (d) applied.push(d);
  }
  for (const d of applied) deduct(lines, d.coupon, currency);
  const total = lines.reduce((sum, l) => sum.plus(l.amount), fraction(0n));
  const mrr = Number(roundHalfEven(total));
  return mrr > 0 ? { currency, mrr } : { currency, mrr: 0, churnKind: 'voluntary' };
}

/** The instants after `at` at which one of the subscription's discounts starts or ends. */
function discountBoundaries(s: SubscriptionLike, at: Date, terms: DiscountTerms): number[] {
  const refs = [
    ...(s.discounts ?? []),
    s.discount,
    customerDiscountOf(s),
    ...(s.items?.data ?? []).flatMap((i) => i.discounts ?? []),
  ];
  const after = Math.floor(at.getTime() / 1000);
  const times = new Set<number>();
  for (const ref of refs) {
    const id = idOf(ref);
    const d = (ref && typeof ref === 'object' ? ref : null) ?? (id ? terms.get(id) : undefined);
    for (const t of [d?.start, d?.end]) if (t != null && t > after) times.add(t);
  }
  return [...times].sort((a, b) => a - b);
}

/**
 * The subscription's MRR from `at` on while it stays as it is: its value at `at`, then each change a
 * discount's start or end makes on its own (a `repeating` coupon running out sends no event at its end).
 */
export function valueSchedule(
  s: SubscriptionLike,
  at: Date,
  terms: DiscountTerms = new Map(),
): { first: Valuation; later: { at: Date; mrr: number }[] } {
  const first = valueAt(s, at, terms);
  const later: { at: Date; mrr: number }[] = [];
  if (!counted(s).counts) return { first, later };
  let last = first.mrr;
  for (const t of discountBoundaries(s, at, terms)) {
    const when = new Date(t * 1000);
    const v = valueAt(s, when, terms);
    if (v.mrr !== last) later.push({ at: when, mrr: v.mrr });
    last = v.mrr;
  }
  return { first, later };
}

/**
 * Where a status stands in a subscription's life: of two copies dated the same second, the one further on is
 * the later (an `incomplete` subscription paid within its first second is `active` after it).
 */
export function statusRank(status: string): number {
  switch (status) {
    case 'incomplete':
      return 0;
    case 'trialing':
      return 1;
    case 'active':
    case 'past_due':
      return 2;
    case 'unpaid':
    case 'paused':
      return 3;
    default: // canceled, incomplete_expired
      return 4;
  }
}

/**
 * When the state of the copy took effect: an ended subscription at `ended_at` (never the cancel request);
 * any other change when Stripe announced it (`changedAt`: its event's `created`, in a test clock's time).
 */
export function effectiveAt(s: SubscriptionLike, changedAt: Date): Date {
  if (s.status === 'canceled' || s.status === 'incomplete_expired') {
    const ended = s.ended_at ?? s.canceled_at;
    if (ended) return new Date(Math.min(ended * 1000, changedAt.getTime()));
  }
  return changedAt;
}

export const customerOf = (s: SubscriptionLike): string =>
  typeof s.customer === 'string' ? s.customer : s.customer.id;

/** Whether the object is a whole subscription (an event's snapshot may be a summary of its id alone). */
export function isWholeSubscription(o: unknown): o is SubscriptionLike {
  if (!o || typeof o !== 'object') return false;
  const s = o as Record<string, unknown>;
  return (
    s.object === 'subscription' &&
    typeof s.id === 'string' &&
    typeof s.status === 'string' &&
    typeof s.currency === 'string' &&
    idOf(s.customer) !== null &&
    Array.isArray((s.items as { data?: unknown } | undefined)?.data)
  );
}
