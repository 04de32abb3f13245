import type { QuoteItem } from '../../db/schema/index.ts';
import type { Stripe, StripeRef } from '../../stripe/client.ts';

// The Stripe calls of a quoted plan change (platform account, no `Stripe-Account`): what the quote reads and
// previews, and the one change its acceptance makes, keyed by the quote so a retry never charges twice.

const METADATA_KIND = { tributary_kind: 'platform_plan' } as const;

/** What a quote is bound to on the customer: its balance and discount, and whether a card can pay. */
export interface CustomerState {
  balance: number;
  discount: string;
  /** the default payment method is a card (a pending update can only be paid by one, off-session) */
  card: boolean;
  /** it has a default payment method at all */
  payable: boolean;
  /** its test clock (a test customer), whose time is Stripe's "now" for it */
  clock: string | null;
}

export async function customerState(stripe: StripeRef, customer: string): Promise<CustomerState> {
  const c = (await stripe.call(
    { action: "read the tenant's billing customer", account: null, movesMoney: false },
    (s, opts) =>
      s.customers.retrieve(customer, { expand: ['invoice_settings.default_payment_method'] }, opts),
  )) as Stripe.Customer & { deleted?: boolean };
  const pm = c.invoice_settings?.default_payment_method;
  const pmType = pm && typeof pm === 'object' ? pm.type : null;
  const source = typeof c.default_source === 'string' ? c.default_source : (c.default_source?.id ?? null);
  return {
    balance: c.balance ?? 0,
    discount: c.discount ? `${c.discount.id}` : '',
    card: pmType === 'card' || Boolean(source?.startsWith('card_')),
    payable: Boolean(pm || source),
    clock: typeof c.test_clock === 'string' ? c.test_clock : (c.test_clock?.id ?? null),
  };
}

export function readSubscription(stripe: StripeRef, id: string): Promise<Stripe.Subscription> {
  return stripe.call(
    { action: "read the tenant's plan subscription", account: null, movesMoney: false },
    (s, opts) => s.subscriptions.retrieve(id, {}, opts),
  );
}

/** The discounts a subscription carries, as a string a later read can be compared with. */
export const subscriptionDiscounts = (sub: Stripe.Subscription): string =>
  (sub.discounts ?? [])
    .map((d) => (typeof d === 'string' ? d : d.id))
    .sort()
    .join(',');

/**
 * Stripe's time now for the customer, in seconds: its test clock's frozen time on a clocked test customer
 * (where Stripe's "now" is the clock's), else the real time.
 */
export async function stripeNow(stripe: StripeRef, clock: string | null): Promise<number> {
  if (!clock) return Math.floor(Date.now() / 1000);
  const c = await stripe.call(
    { action: "read the tenant's test clock", account: null, movesMoney: false },
    (s, opts) => s.testHelpers.testClocks.retrieve(clock, {}, opts),
  );
  return c.frozen_time;
}

/**
 * The invoice Stripe would make at once for the change: the items swapped, prorated to `prorationDate` and
 * invoiced immediately (`always_invoice`), after discounts, tax and the customer's balance.
 */
export function previewChange(
  stripe: StripeRef,
  input: { customer: string; subscription: string; items: QuoteItem[]; prorationDate: number },
): Promise<Stripe.Invoice> {
  return stripe.call(
    { action: 'preview the plan change invoice', account: null, movesMoney: false },
    (s, opts) =>
      s.invoices.createPreview(
        {
          customer: input.customer,
          subscription: input.subscription,
          subscription_details: {
            items: input.items,
            proration_behavior: 'always_invoice',
            proration_date: input.prorationDate,
          },
        },
        opts,
      ),
  );
}

/**
 * The first invoice of a new subscription of `prices` for the customer, after its balance and discounts:
 * what a first paid plan charges at once.
 */
export function previewFirst(
  stripe: StripeRef,
  input: { customer: string; prices: string[] },
): Promise<Stripe.Invoice> {
  return stripe.call(
    { action: 'preview the first plan invoice', account: null, movesMoney: false },
    (s, opts) =>
      s.invoices.createPreview(
        {
          customer: input.customer,
          subscription_details: { items: input.prices.map((price) => ({ price })) },
        },
        opts,
      ),
  );
}

/**
 * The quoted change: the same items and proration date as the preview, invoiced at once; the update waits
 * for the invoice's payment (`pending_if_incomplete`): a decline or 3-D Secure leaves the plan as it was.
 */
export function applyQuotedChange(
  stripe: StripeRef,
  input: { quoteId: string; subscription: string; items: QuoteItem[]; prorationDate: number; plan: string },
): Promise<Stripe.Subscription> {
  return stripe.call(
    {
      action: "change the tenant's plan as quoted",
      account: null,
      movesMoney: true,
      purpose: 'platform_quote_apply',
      record: input.quoteId,
    },
    (s, opts) =>
      s.subscriptions.update(
        input.subscription,
        {
          items: input.items,
          proration_behavior: 'always_invoice',
          proration_date: input.prorationDate,
          payment_behavior: 'pending_if_incomplete',
        },
        opts,
      ),
  );
}

/** The subscription's latest invoice (the change's proration invoice), with its payments' intents. */
export function readInvoice(stripe: StripeRef, id: string): Promise<Stripe.Invoice> {
  return stripe.call(
    { action: 'read the plan change invoice', account: null, movesMoney: false },
    (s, opts) => s.invoices.retrieve(id, { expand: ['payments.data.payment.payment_intent'] }, opts),
  );
}

/** The invoice's (default) payment's intent: what paying it needs (3-D Secure) or why it failed. */
export function intentOf(inv: Stripe.Invoice): Stripe.PaymentIntent | null {
  const list = inv.payments?.data ?? [];
  const pay = list.find((p) => p.is_default) ?? list.at(-1);
  const pi = pay?.payment?.payment_intent;
  return pi && typeof pi === 'object' ? pi : null;
}

/**
 * A change at the period's end (a downgrade, a shorter interval): a schedule made from the subscription,
 * then two phases: the current items until the period ends, the new ones after. Nothing is charged now.
 */
export async function scheduleChange(
  stripe: StripeRef,
  input: {
    quoteId: string;
    subscription: string;
    existingSchedule: string | null;
    current: string[];
    next: string[];
    periodStart: number;
    periodEnd: number;
    plan: string;
  },
): Promise<Stripe.SubscriptionSchedule> {
  const schedule =
    input.existingSchedule ??
    (
      await stripe.call(
        {
          action: "make the tenant's plan schedule",
          account: null,
          movesMoney: false,
          purpose: 'platform_schedule',
          record: input.quoteId,
        },
        (s, opts) => s.subscriptionSchedules.create({ from_subscription: input.subscription }, opts),
      )
    ).id;
  return stripe.call(
    {
      action: "set the tenant's plan schedule's phases",
      account: null,
      movesMoney: false,
      purpose: 'platform_schedule_phases',
      record: input.quoteId,
    },
    (s, opts) =>
      s.subscriptionSchedules.update(
        schedule,
        {
          end_behavior: 'release',
          proration_behavior: 'none',
          phases: [
            {
              items: input.current.map((price) => ({ price })),
              start_date: input.periodStart,
              end_date: input.periodEnd,
            },
            {
              items: input.next.map((price) => ({ price })),
              start_date: input.periodEnd,
              metadata: { ...METADATA_KIND, tributary_plan_id: input.plan },
            },
          ],
        },
        opts,
      ),
  );
}

/** Cancels at the period's end (`cancel: true`) or takes that back (`cancel: false`). */
export function setCancelAtPeriodEnd(
  stripe: StripeRef,
  input: { tenantId: string; subscription: string; rowVersion: number; cancel: boolean },
): Promise<Stripe.Subscription> {
  return stripe.call(
    {
      action: input.cancel ? "cancel the tenant's plan at the period's end" : "resume the tenant's plan",
      account: null,
      movesMoney: false,
      purpose: input.cancel ? 'platform_subscription_cancel_at_end' : 'platform_subscription_resume',
      record: input.tenantId,
      discriminator: input.rowVersion,
    },
    (s, opts) => s.subscriptions.update(input.subscription, { cancel_at_period_end: input.cancel }, opts),
  );
}

/** Releases a schedule (a pending change dropped): the subscription goes on as it is. */
export function releaseSchedule(
  stripe: StripeRef,
  input: { tenantId: string; schedule: string; rowVersion: number },
): Promise<Stripe.SubscriptionSchedule> {
  return stripe.call(
    {
      action: "release the tenant's plan schedule",
      account: null,
      movesMoney: false,
      purpose: 'platform_schedule_release',
      record: input.tenantId,
      discriminator: input.rowVersion,
    },
    (s, opts) => s.subscriptionSchedules.release(input.schedule, {}, opts),
  );
}
