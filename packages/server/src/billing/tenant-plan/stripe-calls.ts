import type { Stripe, StripeRef } from '../../stripe/client.ts';

// The platform billing a tenant: its customer and plan subscription on the platform's own account (no
// `Stripe-Account`), every call through the gateway with a key derived from the tenant and its billing row.

const METADATA_KIND = { tributary_kind: 'platform_plan' } as const;

/** The tenant's Stripe customer on the platform account (one per tenant: the key never changes). */
export function createPlatformCustomer(
  stripe: StripeRef,
  input: { tenantId: string; tenantPublicId: string; name: string; email: string | null },
): Promise<Stripe.Customer> {
  return stripe.call(
    {
      action: "create the tenant's billing customer",
      account: null,
      movesMoney: false,
      purpose: 'platform_customer',
      record: input.tenantId,
      attempt: 1,
    },
    (s, opts) =>
      s.customers.create(
        {
          name: input.name,
          ...(input.email ? { email: input.email } : {}),
          metadata: { ...METADATA_KIND, tributary_tenant_id: input.tenantPublicId },
        },
        opts,
      ),
  );
}

/** Whether the customer can be charged without the tenant's action (a default payment method). */
export async function hasDefaultPaymentMethod(stripe: StripeRef, customer: string): Promise<boolean> {
  const c = (await stripe.call(
    { action: "read the tenant's billing customer", account: null, movesMoney: false },
    (s, opts) => s.customers.retrieve(customer, {}, opts),
  )) as Stripe.Customer & { deleted?: boolean };
  return !c.deleted && Boolean(c.invoice_settings?.default_payment_method || c.default_source);
}

/**
 * The customer's subscriptions that have not ended. The customer is the tenant's billing customer, which only
 * Tributary made and uses: one of them that its row does not name was made by a plan change whose answer
 * was never recorded (the database failed after Stripe said yes).
 */
export async function openSubscriptions(stripe: StripeRef, customer: string): Promise<Stripe.Subscription[]> {
  const list = await stripe.call(
    { action: "list the tenant's plan subscriptions", account: null, movesMoney: false },
    (s, opts) => s.subscriptions.list({ customer, status: 'all', limit: 100 }, opts),
  );
  return list.data.filter((sub) => sub.status !== 'canceled' && sub.status !== 'incomplete_expired');
}

/** Cancels a subscription no row names, its unused time credited (nothing for one never paid, or trialing). */
export function cancelOrphanSubscription(
  stripe: StripeRef,
  sub: Stripe.Subscription,
): Promise<Stripe.Subscription> {
  const credit = sub.status !== 'incomplete' && sub.status !== 'trialing';
  return stripe.call(
    {
      action: 'cancel a plan subscription no billing row names',
      account: null,
      movesMoney: true,
      purpose: 'platform_subscription_orphan_cancel',
      record: sub.id,
    },
    (s, opts) => s.subscriptions.cancel(sub.id, credit ? { prorate: true, invoice_now: true } : {}, opts),
  );
}

export interface PlanItems {
  /** the plan's recurring price (price_…) */
  base: string;
  /** the metered prices billing its soft limits' overage */
  metered: string[];
}

interface SubscriptionInput {
  tenantId: string;
  tenantPublicId: string;
  planPublicId: string;
  /** the billing row's updated_at (ms) before the change: a retried request sends the same key */
  rowVersion: number;
}

const subMetadata = (i: SubscriptionInput) => ({
  ...METADATA_KIND,
  tributary_tenant_id: i.tenantPublicId,
  tributary_plan_id: i.planPublicId,
});

export function createPlanSubscription(
  stripe: StripeRef,
  input: SubscriptionInput & { customer: string; items: PlanItems; trialDays: number; charge: boolean },
): Promise<Stripe.Subscription> {
  return stripe.call(
    {
      action: "create the tenant's plan subscription",
      account: null,
      movesMoney: true,
      purpose: 'platform_subscription',
      record: input.tenantId,
      discriminator: input.rowVersion,
    },
    (s, opts) =>
      s.subscriptions.create(
        {
          customer: input.customer,
          items: [{ price: input.items.base }, ...input.items.metered.map((price) => ({ price }))],
          // a trial that ends with no payment method on file cancels: the ended subscription puts the tenant
          // back on the default plan (sync.ts), instead of an unpaid invoice and dunning
          ...(input.trialDays > 0
            ? {
                trial_period_days: input.trialDays,
                trial_settings: { end_behavior: { missing_payment_method: 'cancel' as const } },
              }
            : {}),
          // no card yet: the first invoice waits for the tenant to pay it, the subscription `incomplete`
          ...(input.charge ? {} : { payment_behavior: 'default_incomplete' as const }),
          metadata: subMetadata(input),
        },
        opts,
      ),
  );
}

/** Swaps every item of the subscription for the plan's, prorated. */
export async function changePlanSubscription(
  stripe: StripeRef,
  input: SubscriptionInput & { subscription: string; items: PlanItems },
): Promise<Stripe.Subscription> {
  const current = await stripe.call(
    { action: "read the tenant's plan subscription", account: null, movesMoney: false },
    (s, opts) => s.subscriptions.retrieve(input.subscription, {}, opts),
  );
  const old = current.items.data.map((item) => ({ id: item.id, deleted: true as const }));
  return stripe.call(
    {
      action: "change the tenant's plan subscription",
      account: null,
      movesMoney: true,
      purpose: 'platform_subscription_change',
      record: input.tenantId,
      discriminator: input.rowVersion,
    },
    (s, opts) =>
      s.subscriptions.update(
        input.subscription,
        {
          items: [...old, { price: input.items.base }, ...input.items.metered.map((price) => ({ price }))],
          proration_behavior: 'create_prorations',
          metadata: subMetadata(input),
        },
        opts,
      ),
  );
}

/**
 * Cancels the subscription at once (a move to a free plan): `prorate` credits the unused time and
 * `invoice_now` puts that credit, with any overage not yet invoiced, on a final invoice at once (a credit
 * left pending would wait for an invoice a free plan never gets; a negative total goes to the customer's
 * balance). `credit: false` for a subscription never paid (incomplete) or trialing (its time is free).
 */
export function cancelPlanSubscription(
  stripe: StripeRef,
  input: { tenantId: string; subscription: string; rowVersion: number; credit: boolean },
): Promise<Stripe.Subscription> {
  return stripe.call(
    {
      action: "cancel the tenant's plan subscription",
      account: null,
      movesMoney: true,
      purpose: 'platform_subscription_cancel',
      record: input.tenantId,
      discriminator: input.rowVersion,
    },
    (s, opts) =>
      s.subscriptions.cancel(
        input.subscription,
        input.credit ? { prorate: true, invoice_now: true } : {},
        opts,
      ),
  );
}
