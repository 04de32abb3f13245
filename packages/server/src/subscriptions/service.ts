import { requireChargesEnabled } from '../connect/service.ts';
import type { Tx } from '../db/client.ts';
import { effectiveSchedule, subscriptionFeePercent } from '../fees/service.ts';
import { ApiError } from '../http/errors.ts';
import { fromPublicId, parsePathId, toPublicId } from '../http/ids.ts';
import type { Page } from '../http/pagination.ts';
import { customerAccountFor, getCustomerOrThrow, paymentIdForIntent } from '../payments/service.ts';
import { inTenant, type TenantScope } from '../scope/tenant.ts';
import type { Stripe, StripeRef } from '../stripe/client.ts';
import { type CallerParams, mayHaveHappened } from '../stripe/gateway.ts';
import * as repo from './repo.ts';
import { summariesOf } from './summary.ts';
import { subscriptionState, syncSubscriptionInvoice } from './sync.ts';

// The subscriptions domain's front door (this file, with the products, prices and subscriptions API): other
// domains take Stripe's state (sync.ts), the fee follow-ups and the webhook handlers from here.
export { type FeeTopUpJob, topUpSubscriptionFee } from './fee-top-up.ts';
// `tributary sync mrr`: the tenant's subscriptions at Stripe into its MRR history
export { backfillTenantMrr, type MrrBackfillResult, platformSubscriptions } from './mrr-backfill.ts';
export {
  invoicePaymentIntent,
  setSubscriptionInvoiceFee,
  subscriptionOfInvoice,
  syncSubscription,
  syncSubscriptionInvoice,
} from './sync.ts';

/**
 * Subscriptions of a tenant's customers. They live where the tenant's charges are made, as
 * payments do: on the connected account (Standard-like: direct), or on the platform paying out to it with
 * `transfer_data` and `on_behalf_of` (Express-like). The platform's percent rides on the subscription as
 * `application_fee_percent`; the rest of the fee model (fixed part, min/max, pass-through) is set on each
 * draft invoice's `application_fee_amount` by the `invoice.created` follow-up. Stripe's first invoice is
 * finalized at creation, so it carries the percent only: on Express-like accounts the rest is recovered
 * after payment by reversing part of the transfer (fee-top-up.ts).
 */
export interface SubscriptionDeps {
  stripe: StripeRef;
}

export { createPrice, createProduct, listPrices, listProducts } from './catalog.ts';

export interface SubscriptionView {
  row: repo.SubscriptionRow;
  invoices: (repo.SubscriptionInvoiceRow & { paymentId: string | null })[];
  summary: repo.SubscriptionSummary;
}

async function view(tx: Tx, row: repo.SubscriptionRow): Promise<SubscriptionView> {
  const invoices = await repo.invoicesOf(tx, row.id);
  return {
    row,
    summary: (await summariesOf(tx, [row]))[0]!,
    invoices: await Promise.all(
      invoices.map(async (i) => ({
        ...i,
        paymentId: i.stripePaymentIntentId
          ? await paymentIdForIntent(tx, i.stripePaymentIntentId, { orLatest: true })
          : null,
      })),
    ),
  };
}

async function getSubscriptionOrThrow(tx: Tx, id: string, publicId: string, lock = false) {
  const row = await repo.getSubscription(tx, id, { lock });
  if (!row?.stripeSubscriptionId) throw ApiError.notFound('subscription', publicId, 'subscription');
  return row;
}

const subAccount = (row: Pick<repo.SubscriptionRow, 'accountKind' | 'stripeAccountId'>) =>
  customerAccountFor(row.accountKind, row.stripeAccountId);

export async function createSubscription(
  scope: TenantScope,
  deps: SubscriptionDeps,
  input: {
    customer: string;
    price: string;
    quantity?: number;
    trial_period_days?: number;
    metadata?: Record<string, string>;
  },
): Promise<SubscriptionView> {
  const { tenantId, publicId } = scope;
  // `cardChecked`: Stripe showed a default method our copy of the customer does not have yet
  const prepare = (cardChecked: boolean) =>
    inTenant(scope, 'subscriptions:write', async (tx) => {
      const acct = await requireChargesEnabled(tx, tenantId);
      const account = customerAccountFor(acct.kind, acct.stripeAccountId);
      const cid = fromPublicId('customer', input.customer);
      if (!cid) throw ApiError.notFound('customer', input.customer, 'customer');
      const customer = await getCustomerOrThrow(tx, cid, input.customer);
      if (!customer.stripeCustomerId || customer.stripeAccountId !== account) {
        throw new ApiError(
          'parameter_invalid',
          "This customer does not live on the tenant's current Stripe account; create the customer again.",
          { param: 'customer' },
        );
      }
      const prid = fromPublicId('price', input.price);
      const price = prid ? await repo.getPrice(tx, prid) : null;
      if (!price?.stripePriceId) throw ApiError.notFound('price', input.price, 'price');
      const product = await repo.getProduct(tx, price.productId);
      if (product?.stripeAccountId !== account) {
        throw new ApiError(
          'parameter_invalid',
          "This price does not live on the tenant's current Stripe account.",
          {
            param: 'price',
          },
        );
      }
      const schedule = await effectiveSchedule(tx, scope.config, tenantId);
      // a retry of a request whose first try did not answer: the same row, so the same Stripe key
      const prior = scope.requestKey
        ? await repo.subscriptionByRequestKey(tx, scope.requestKey, scope.config.IDEMPOTENCY_TTL_HOURS)
        : null;
      if (prior && (prior.customerId !== customer.id || prior.priceId !== price.id)) {
        throw ApiError.idempotencyMismatch();
      }
      if (prior) {
        return { row: prior, customer, price, percent: Number(prior.applicationFeePercent ?? 0) };
      }
      // Stripe would make it anyway, incomplete, its first invoice waiting for a card nobody was asked
      // for; our copy of the customer may lag Stripe's (a method saved a moment ago), so Stripe is asked
      // first. A retry of a request that passed this has replayed above.
      if (!input.trial_period_days && !customer.defaultPaymentMethod && !cardChecked) {
        return { checkCard: { stripeCustomerId: customer.stripeCustomerId!, account } } as const;
      }
      const row = await repo.insertSubscription(tx, {
        requestKey: scope.requestKey ?? null,
        tenantId,
        customerId: customer.id,
        priceId: price.id,
        stripeAccountId: acct.stripeAccountId,
        accountKind: acct.kind,
        status: 'pending',
        quantity: input.quantity ?? 1,
        applicationFeePercent: String(subscriptionFeePercent(schedule)),
        metadata: input.metadata ?? {},
      });
      return { row, customer, price, percent: subscriptionFeePercent(schedule) };
    });
  let first = await prepare(false);
  if ('checkCard' in first && first.checkCard) {
    const { stripeCustomerId, account } = first.checkCard;
    const onStripe = await deps.stripe.call(
      { action: 'read the customer', account, movesMoney: false },
      (stripe, opts) => stripe.customers.retrieve(stripeCustomerId, {}, opts),
    );
    const live = onStripe as Stripe.Customer & { deleted?: boolean };
    if (live.deleted || (!live.invoice_settings?.default_payment_method && !live.default_source)) {
      throw new ApiError(
        'payment_method_required',
        'This customer has no payment method to pay the first invoice: save one first (a setup session or ' +
          'setup intent), or start with a trial (trial_period_days).',
        { param: 'customer' },
      );
    }
    first = await prepare(true);
  }
  if (!('row' in first) || !first.row) throw new Error('unreachable: the card was checked');
  const prepared = first;
  const { row } = prepared;
  const account = subAccount(row);
  const fetchedAt = new Date();
  const call = {
    action: 'create the subscription',
    account,
    input: { 'items[][quantity]': 'quantity', trial_period_days: 'trial_period_days', metadata: 'metadata' },
  };
  let sub: Stripe.Subscription;
  try {
    // made already (its events told us): read it, never create again under a key Stripe may have forgotten
    const made = row.stripeSubscriptionId;
    sub = made
      ? await deps.stripe.call({ ...call, movesMoney: false }, (stripe, opts) =>
          stripe.subscriptions.retrieve(made, {}, opts),
        )
      : await deps.stripe.call(
          // its first invoice is charged at once
          { ...call, movesMoney: true, purpose: 'subscription', record: row.id, attempt: 1 },
          (stripe, opts) =>
            stripe.subscriptions.create(
              {
                customer: prepared.customer.stripeCustomerId!,
                items: [{ price: prepared.price.stripePriceId!, quantity: row.quantity }],
                ...(input.trial_period_days ? { trial_period_days: input.trial_period_days } : {}),
                ...(prepared.percent > 0 ? { application_fee_percent: prepared.percent } : {}),
                ...(account
                  ? {}
                  : {
                      on_behalf_of: row.stripeAccountId,
                      transfer_data: { destination: row.stripeAccountId },
                    }),
                payment_behavior: 'allow_incomplete',
                // its hosted page completes a first invoice the card declined (`complete_payment_url`)
                expand: ['latest_invoice'],
                metadata: {
                  ...input.metadata,
                  tributary_subscription: toPublicId('subscription', row.id),
                  tributary_tenant: publicId,
                },
              },
              opts,
            ),
        );
  } catch (err) {
    // refused: nothing exists at Stripe. Unreachable: it may; the row stays pending for a retry with the
    // same Idempotency-Key (the same Stripe key) or the subscription's events (our id in its metadata)
    if (!mayHaveHappened(err)) {
      await inTenant(scope, 'subscriptions:write', (tx) => repo.deleteSubscription(tx, row.id));
    }
    throw err;
  }
  return inTenant(scope, 'subscriptions:write', async (tx) => {
    const applied = (await repo.applySubscription(tx, row.id, subscriptionState(sub), fetchedAt)) ?? row;
    if (sub.latest_invoice && typeof sub.latest_invoice === 'object') {
      await syncSubscriptionInvoice(tx, sub.latest_invoice, fetchedAt);
    }
    await scope.audit(tx, {
      action: 'subscription.created',
      target: { kind: 'subscription', id: row.id },
      data: { subscription: sub.id, status: sub.status, quantity: row.quantity },
    });
    return view(tx, (await repo.getSubscription(tx, applied.id))!);
  });
}

/** The subscription a caller names by its public id (a malformed one names none: the same 404). */
const subscriptionOf = (publicId: string) => parsePathId('subscription', publicId);

export function getSubscription(scope: TenantScope, subscription: string) {
  const id = subscriptionOf(subscription);
  return inTenant(scope, 'subscriptions:read', async (tx) =>
    view(tx, await getSubscriptionOrThrow(tx, id, subscription)),
  );
}

export function listSubscriptions(
  scope: TenantScope,
  q: {
    limit: number;
    startingAfter: string | null;
    endingBefore: string | null;
    status?: string;
    customerId?: string;
  },
): Promise<Page<{ row: repo.SubscriptionRow; summary: repo.SubscriptionSummary }>> {
  return inTenant(scope, 'subscriptions:read', async (tx) => {
    const page = await repo.listSubscriptions(tx, scope.tenantId, q);
    const summaries = await summariesOf(tx, page.data);
    return { hasMore: page.hasMore, data: page.data.map((row, i) => ({ row, summary: summaries[i]! })) };
  });
}

const ended = (s: string) => s === 'canceled' || s === 'incomplete_expired';

const changeInput: CallerParams = {
  'items[][quantity]': 'quantity',
  cancel_at_period_end: 'cancel_at_period_end',
};

/** Changes the quantity (prorated by Stripe) or cancels, now or at the period end. */
export async function changeSubscription(
  scope: TenantScope,
  deps: SubscriptionDeps,
  input: {
    subscription: string;
    change: { quantity?: number; cancel_at_period_end?: boolean } | { cancel: 'now' };
    action: 'updated' | 'canceled';
  },
): Promise<SubscriptionView> {
  const { subscription, change, action } = input;
  const id = subscriptionOf(subscription);
  const row = await inTenant(scope, 'subscriptions:write', async (tx) => {
    const row = await getSubscriptionOrThrow(tx, id, subscription);
    if (ended(row.status)) {
      throw new ApiError('subscription_state_invalid', `A ${row.status} subscription cannot be changed.`, {
        param: 'subscription',
      });
    }
    return row;
  });
  const account = subAccount(row);
  const fetchedAt = new Date();
  const sub = await deps.stripe.call(
    {
      action: 'change the subscription',
      account,
      movesMoney: false,
      input: changeInput,
      purpose: `subscription_${action}`,
      record: row.id,
      // the row's state before this change: a retried request replays, a later change is new
      discriminator: row.updatedAt.getTime(),
    },
    (stripe, opts) =>
      'cancel' in change
        ? stripe.subscriptions.cancel(row.stripeSubscriptionId!, {}, opts)
        : stripe.subscriptions.update(
            row.stripeSubscriptionId!,
            {
              ...(change.quantity !== undefined
                ? { items: [{ id: row.stripeItemId!, quantity: change.quantity }] }
                : {}),
              ...(change.cancel_at_period_end !== undefined
                ? { cancel_at_period_end: change.cancel_at_period_end }
                : {}),
            },
            opts,
          ),
  );
  return inTenant(scope, 'subscriptions:write', async (tx) => {
    await repo.applySubscription(tx, row.id, subscriptionState(sub), fetchedAt);
    await scope.audit(tx, {
      action: `subscription.${action}`,
      target: { kind: 'subscription', id: row.id },
      data: change as Record<string, unknown>,
    });
    return view(tx, (await repo.getSubscription(tx, row.id))!);
  });
}
