import type { Ctx } from '../context.ts';
import { withTenantReadOnly } from '../db/read-only.ts';
import { applyFetchedCustomerPayments } from '../payments/refresh.ts';
import type { ReadOnlyStripe, Stripe } from '../stripe/read-only.ts';
import { applyFetchedCustomerSubscriptions } from '../subscriptions/refresh.ts';
import * as repo from './repo.ts';

// `?refresh=true`: the customer's objects read from Stripe's LIST endpoints (never Search, whose index lags)
// with the GET-only gateway, on the account they live on — the tenant's connected account for direct
// charges, the platform's for Express-like tenants' destination charges (kept only when they pay out to one
// of the tenant's accounts) — then handed to the payments and subscriptions sync entries, which update the
// mirror in their own transactions. No Stripe call is made inside a transaction.

type Listed<T> = (stripe: Stripe, opts: Stripe.RequestOptions) => AsyncIterable<T>;

async function all<T>(stripe: ReadOnlyStripe, account: string | null, what: string, list: Listed<T>) {
  const out: T[] = [];
  const spec = { action: `list the customer's ${what}`, account, movesMoney: false };
  for await (const item of stripe.each(spec, list)) {
    out.push(item);
    if (out.length >= repo.MAX_ROWS) break;
  }
  return out;
}

const idOf = (v: unknown): string | null =>
  typeof v === 'string'
    ? v
    : v && typeof v === 'object' && 'id' in v
      ? String((v as { id: unknown }).id)
      : null;

/** A platform-account object is the tenant's when it pays out to (or is made on behalf of) its account. */
function paysOutTo(accounts: ReadonlySet<string>, o: { on_behalf_of?: unknown; transfer_data?: unknown }) {
  const dest = idOf((o.transfer_data as { destination?: unknown } | null | undefined)?.destination);
  const obo = idOf(o.on_behalf_of);
  return (dest !== null && accounts.has(dest)) || (obo !== null && accounts.has(obo));
}

/** Reads the customer's objects from Stripe into the mirror; returns when they were read. */
export async function refreshCustomer(ctx: Ctx, stripe: ReadOnlyStripe, c: repo.CustomerRow): Promise<Date> {
  const cus = c.stripeCustomerId;
  if (!cus) throw new Error('refreshCustomer: a customer Stripe does not know');
  const account = c.stripeAccountId;
  const accounts = new Set(
    account === null
      ? await withTenantReadOnly(ctx.db, c.tenantId, (tx) => repo.connectedAccountsOf(tx, c.tenantId))
      : [account],
  );
  const mine = <T extends object>(items: T[]) =>
    account === null ? items.filter((o) => paysOutTo(accounts, o as Parameters<typeof paysOutTo>[1])) : items;
  const syncedAt = new Date();
  const customer = await stripe.call({ action: 'read the customer', account, movesMoney: false }, (s, opts) =>
    s.customers.retrieve(cus, {}, opts),
  );
  const paymentMethods = await all(stripe, account, 'payment methods', (s, opts) =>
    s.customers.listPaymentMethods(cus, { limit: 100 }, opts),
  );
  const paymentIntents = mine(
    await all(stripe, account, 'payment intents', (s, opts) =>
      s.paymentIntents.list({ customer: cus, limit: 100 }, opts),
    ),
  );
  const charges = mine(
    await all(stripe, account, 'charges', (s, opts) => s.charges.list({ customer: cus, limit: 100 }, opts)),
  );
  const refunds: Stripe.Refund[] = [];
  const disputes: Stripe.Dispute[] = [];
  for (const ch of charges) {
    // with their charge, so each lands on its payment even before the charge's own events did
    for (const r of await all(stripe, account, 'refunds', (s, opts) =>
      s.refunds.list({ charge: ch.id, limit: 100 }, opts),
    ))
      refunds.push({ ...r, charge: ch });
    if (!ch.disputed) continue;
    for (const d of await all(stripe, account, 'disputes', (s, opts) =>
      s.disputes.list({ charge: ch.id, limit: 100 }, opts),
    ))
      disputes.push({ ...d, charge: ch });
  }
  const subscriptions = mine(
    await all(stripe, account, 'subscriptions', (s, opts) =>
      s.subscriptions.list({ customer: cus, status: 'all', limit: 100 }, opts),
    ),
  );
  const kept = new Set(subscriptions.map((s) => s.id));
  const invoices = (
    await all(stripe, account, 'invoices', (s, opts) => s.invoices.list({ customer: cus, limit: 100 }, opts))
  ).filter((inv) => {
    if (account !== null) return true;
    const parent = (inv as { parent?: { subscription_details?: { subscription?: unknown } } }).parent;
    const sub = idOf(parent?.subscription_details?.subscription);
    return sub !== null && kept.has(sub);
  });
  await applyFetchedCustomerPayments(
    ctx.db,
    c.tenantId,
    account,
    { customer, paymentMethods, paymentIntents, charges, refunds, disputes },
    syncedAt,
  );
  await applyFetchedCustomerSubscriptions(ctx.db, c.tenantId, account, { subscriptions, invoices }, syncedAt);
  return syncedAt;
}
