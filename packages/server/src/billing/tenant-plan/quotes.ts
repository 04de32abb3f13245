import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import {
  type PlanInterval,
  planPrices,
  planQuotes,
  type QuoteItem,
  type QuoteKind,
  type QuoteLine,
} from '../../db/schema/index.ts';
import { ApiError } from '../../http/errors.ts';
import { fromPublicId } from '../../http/ids.ts';
import { inTenant, type TenantScope } from '../../scope/tenant.ts';
import type { Stripe } from '../../stripe/client.ts';
import { addIntervals, type BillingRow, billingOf } from '../core.ts';
import type { WantedItem } from './plans-read.ts';
import * as plans from './plans-read.ts';
import {
  customerState,
  intentOf,
  previewChange,
  previewFirst,
  readInvoice,
  readSubscription,
  stripeNow,
  subscriptionDiscounts,
} from './quote-calls.ts';
import type { TenantPlanDeps } from './service.ts';
import { ended } from './sync.ts';

// A binding quote for a change of the tenant's plan: what Stripe's invoice preview says the change costs now
// (an upgrade, or a longer interval: prorated and invoiced at once), or nothing now and the change at the
// period's end (a downgrade, a shorter interval), stored for 15 minutes, single-use, with what it was
// computed against so that accepting it can refuse anything else.

export const QUOTE_TTL_MS = 15 * 60_000;

export type QuoteRow = typeof planQuotes.$inferSelect;

export interface QuoteInput {
  plan: string;
  interval: PlanInterval;
  currency?: string;
}

/**
 * A change waiting for the tenant's 3-D Secure on its invoice's page: another would replace it (and void that
 * invoice) while the tenant may be paying it. A pending change whose payment was declined may be replaced.
 */
export async function refuseWhileAuthenticating(
  stripe: TenantPlanDeps['stripe'],
  sub: Stripe.Subscription | null,
): Promise<void> {
  if (!sub?.pending_update) return;
  const invoiceId = typeof sub.latest_invoice === 'string' ? sub.latest_invoice : sub.latest_invoice?.id;
  const intent = invoiceId ? intentOf(await readInvoice(stripe, invoiceId)) : null;
  if (intent?.status === 'requires_action')
    throw new ApiError(
      'plan_change_pending',
      "A plan change is waiting for its payment: finish it on the invoice's page (or let it expire) first.",
      { param: 'plan' },
    );
}

/** An invoice preview's lines as a quote shows them. */
const linesOf = (preview: Stripe.Invoice): QuoteLine[] =>
  preview.lines.data.map((l) => ({
    description: l.description ?? null,
    amount: l.amount,
    currency: l.currency,
    period: { start: l.period.start, end: l.period.end },
    proration: Boolean(
      (l as { proration?: boolean }).proration ??
        l.parent?.subscription_item_details?.proration ??
        l.parent?.invoice_item_details?.proration,
    ),
  }));

/** A price's amount per month, to compare plans sold per month and per year. */
const monthly = (p: { unitAmount: number; interval: PlanInterval }) =>
  p.interval === 'year' ? p.unitAmount / 12 : p.unitAmount;

const addSeconds = (t: number, interval: PlanInterval) =>
  Math.floor(addIntervals(new Date(t * 1000), interval, 1).getTime() / 1000);

/** The subscription as a quote binds it: its items and their prices, and its discounts. */
export const subscriptionState = (sub: Stripe.Subscription | null, balance: number, discount: string) =>
  [
    `items=${(sub?.items.data ?? [])
      .map((i) => `${i.id}:${i.price.id}:${i.quantity ?? ''}`)
      .sort()
      .join(',')}`,
    `status=${sub?.status ?? ''}`,
    `discounts=${sub ? subscriptionDiscounts(sub) : ''}`,
    `customer_discount=${discount}`,
    `balance=${balance}`,
  ].join(';');

/**
 * The items that swap the subscription's prices to `want` (the base price first, then the metered overage
 * prices with their meters). A pending update cannot delete an item, so an item whose price is not wanted
 * takes a missing price in its place — the base price the licensed item, an overage price the item billing
 * the same meter (every item on a meter bills the customer's whole usage of it, so two would bill it twice);
 * a missing price with no such item is added. Metered items left over (a meter the new plan does not bill)
 * are deleted once the change is paid (tenant-plan/jobs.ts).
 */
export function swapItems(sub: Stripe.Subscription, want: WantedItem[]): QuoteItem[] {
  const have = sub.items.data;
  const wanted = new Set(want.map((w) => w.price));
  const spare = have.filter((i) => !wanted.has(i.price.id));
  const items: QuoteItem[] = [];
  for (const w of want) {
    if (have.some((i) => i.price.id === w.price)) continue;
    const at = spare.findIndex((i) =>
      w.meter === null ? !meterOf(i) && !isMetered(i) : meterOf(i) === w.meter,
    );
    if (at < 0) items.push({ price: w.price });
    else items.push({ id: spare.splice(at, 1)[0]!.id, price: w.price });
  }
  return items;
}

const isMetered = (i: Stripe.SubscriptionItem) => i.price.recurring?.usage_type === 'metered';
const meterOf = (i: Stripe.SubscriptionItem) => i.price.recurring?.meter ?? null;

async function planCurrencies(tx: Tx, planId: string): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ currency: planPrices.currency })
    .from(planPrices)
    .where(and(eq(planPrices.planId, planId), eq(planPrices.active, true)));
  return rows.map((r) => r.currency);
}

async function priceRow(tx: Tx, id: string | null) {
  if (!id) return null;
  const [row] = await tx.select().from(planPrices).where(eq(planPrices.id, id));
  return row ?? null;
}

/** What the quote is for, decided in the tenant's transaction from our rows alone. */
async function decide(scope: TenantScope, input: QuoteInput) {
  return inTenant(scope, 'billing:write', async (tx) => {
    const plan = await plans.planByRef(tx, input.plan);
    if (!plan) throw new ApiError('resource_missing', `No such plan: '${input.plan}'`, { param: 'plan' });
    const row = await billingOf(tx, scope.tenantId);
    const sold = await planCurrencies(tx, plan.id);
    if (sold.length === 0)
      throw new ApiError(
        'parameter_invalid',
        `The plan '${plan.lookupKey}' is free: moving to it is a cancellation (POST …/billing/subscription/cancel).`,
        { param: 'plan' },
      );
    const currency = input.currency?.toLowerCase() ?? row?.currency ?? (sold.length === 1 ? sold[0]! : null);
    if (!currency)
      throw new ApiError(
        'parameter_missing',
        `The plan '${plan.lookupKey}' is sold in ${sold.length} currencies: name one.`,
        { param: 'currency' },
      );
    if (row?.currency && currency !== row.currency)
      throw new ApiError(
        'parameter_invalid',
        `The tenant is billed in ${row.currency.toUpperCase()}: a plan change keeps its currency.`,
        { param: 'currency' },
      );
    const price = await plans.activePrice(tx, plan.id, currency, input.interval);
    if (!price?.stripePriceId)
      throw new ApiError(
        'parameter_invalid',
        `The plan '${plan.lookupKey}' is not sold in ${currency.toUpperCase()} per ${input.interval}.`,
        { param: 'interval' },
      );
    const want = (await plans.wantedItems(tx, plan.id, currency, input.interval))!;
    const current = await priceRow(tx, row?.planPriceId ?? null);
    // one trial per tenant: none once it had one or paid for a plan (tenant_billing.trial_used_at)
    const trialDays = row?.trialUsedAt ? 0 : plan.trialDays;
    return { plan, row, price, currency, want, current, trialDays };
  });
}

/**
 * The subscription a quote changes: the row's, unless it ended or never started (incomplete: a new plan
 * replaces it, as a first subscription).
 */
export const liveSubscription = (row: BillingRow | null) =>
  row?.stripeSubscriptionId &&
  row.stripeStatus &&
  !ended(row.stripeStatus) &&
  row.stripeStatus !== 'incomplete'
    ? row.stripeSubscriptionId
    : null;

export async function createQuote(
  scope: TenantScope,
  deps: TenantPlanDeps,
  input: QuoteInput,
): Promise<QuoteRow> {
  const d = await decide(scope, input);
  const { row, price, current } = d;
  const live = liveSubscription(row);
  const customer = row?.stripeCustomerId ?? null;
  let kind: QuoteKind;
  let immediate = true;
  if (!live || !current) kind = 'new';
  else if (current.id === price.id)
    throw new ApiError('plan_change_invalid', 'The tenant is already on this plan and interval.', {
      param: 'plan',
    });
  else if (current.planId === price.planId) {
    kind = 'interval_change';
    // a longer interval is paid now (Stripe starts a new cycle); a shorter one waits for the period's end
    immediate = price.interval === 'year';
  } else {
    kind = monthly(price) >= monthly(current) ? 'upgrade' : 'downgrade';
    immediate = kind === 'upgrade';
  }
  if (!immediate && row?.cancelAtPeriodEnd)
    throw new ApiError(
      'plan_change_invalid',
      "The plan is set to end at the period's end: resume it before scheduling a change for then.",
      { param: 'plan' },
    );
  const sub = live ? await readSubscription(deps.stripe, live) : null;
  await refuseWhileAuthenticating(deps.stripe, sub);
  const cs = customer ? await customerState(deps.stripe, customer) : null;
  // a trialing subscription changes at once and pays nothing until its trial ends
  if (sub?.status === 'trialing') immediate = true;
  const now = await stripeNow(deps.stripe, cs?.clock ?? null);
  let lines: QuoteLine[] = [];
  let amountDue = 0;
  let items: QuoteItem[] = d.want.map((w) => ({ price: w.price }));
  let effectiveAt = new Date(now * 1000);
  if (sub && customer) {
    items = swapItems(sub, d.want);
    if (immediate) {
      const preview = await previewChange(deps.stripe, {
        customer,
        subscription: sub.id,
        items,
        prorationDate: now,
      });
      lines = linesOf(preview);
      amountDue = preview.amount_due;
    } else effectiveAt = row!.periodEnd;
  } else if (customer && d.trialDays === 0) {
    // a first paid subscription of a known customer: its first invoice, after its balance and discounts
    const preview = await previewFirst(deps.stripe, { customer, prices: d.want.map((w) => w.price) });
    lines = linesOf(preview);
    amountDue = preview.amount_due;
  } else {
    // a first subscription: the price for one interval, or nothing until a trial ends
    const trial = d.trialDays > 0;
    const end = trial ? now + d.trialDays * 86400 : addSeconds(now, price.interval);
    amountDue = trial ? 0 : price.unitAmount;
    lines = [
      {
        description: trial ? `${d.plan.name} (trial)` : `1 × ${d.plan.name}`,
        amount: amountDue,
        currency: d.currency,
        period: { start: now, end },
        proration: false,
      },
    ];
  }
  return inTenant(scope, 'billing:write', async (tx) => {
    const [q] = await tx
      .insert(planQuotes)
      .values({
        tenantId: scope.tenantId,
        planId: d.plan.id,
        planPriceId: price.id,
        interval: price.interval,
        currency: d.currency,
        kind,
        items,
        prorationDate: new Date(now * 1000),
        lines,
        amountDue,
        trialDays: kind === 'new' ? d.trialDays : 0,
        effectiveAt,
        stripeCustomerId: customer,
        stripeSubscriptionId: live,
        fromPlanPriceId: row?.planPriceId ?? null,
        customerBalance: cs?.balance ?? 0,
        stripeState: subscriptionState(sub, cs?.balance ?? 0, cs?.discount ?? ''),
        expiresAt: sql`now() + interval '15 minutes'`,
      })
      .returning();
    return q!;
  });
}

/** Whether the quote changes the plan at once (false: at the period's end, nothing charged now). */
export const isImmediate = (q: QuoteRow) => q.effectiveAt.getTime() <= q.prorationDate.getTime();

/** A quote of the tenant's, as it was made (spent or expired ones too, until they are forgotten). */
export async function getQuote(scope: TenantScope, ref: string): Promise<QuoteRow> {
  return inTenant(scope, 'billing:read', async (tx) => {
    const id = fromPublicId('quote', ref);
    const [q] = id ? await tx.select().from(planQuotes).where(eq(planQuotes.id, id)) : [];
    if (!q) throw new ApiError('resource_missing', `No such quote: '${ref}'`, { param: 'quote' });
    return q;
  });
}

/** How long an unspent quote is kept after it expires (to be read back); spent ones stay with the audit. */
const KEEP_EXPIRED_DAYS = 7;

/** Forgets quotes that expired unspent more than a week ago (the maintenance job, across tenants). */
export async function purgeExpiredQuotes(tx: Tx): Promise<number> {
  const gone = await tx
    .delete(planQuotes)
    .where(
      and(
        isNull(planQuotes.usedAt),
        lt(planQuotes.expiresAt, sql`now() - make_interval(days => ${KEEP_EXPIRED_DAYS})`),
      ),
    )
    .returning({ id: planQuotes.id });
  return gone.length;
}
