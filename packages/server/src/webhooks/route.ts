import { sql } from 'drizzle-orm';
import { type Db, queryRows, type Tx } from '../db/client.ts';
import { withSystem } from '../db/tenant.ts';
import type { Logger } from '../logger.ts';
import { idOf } from '../stripe/ids.ts';
import type { StripeObject } from './registry.ts';

/**
 * Routing of the platform account's events to their tenant. Express-like tenants'
 * objects live on the platform account, so their events carry no `account` for the inbox to route by. The
 * tenant is found from Stripe's own ids on the object the worker refetched (it comes from Stripe, so it is
 * trusted): a transfer destination or `on_behalf_of` names the connected account, and the object's id (or
 * that of its charge, customer, subscription, payment link, product …) names one of our rows. Metadata is
 * never read here: anyone who can write an object's metadata could name any row. Signals naming two
 * tenants route nowhere; an event that routes nowhere keeps only its raw mirror (see batch.ts).
 */

/** The kinds of Stripe id an object can name, each looked up in its own place. */
export type RefKind =
  | 'account'
  | 'customer'
  | 'payment_intent'
  | 'charge'
  | 'refund'
  | 'dispute'
  | 'payment_method'
  | 'subscription'
  | 'invoice'
  | 'payment_link'
  | 'checkout_session'
  | 'product'
  | 'price';

export interface StripeRef {
  kind: RefKind;
  id: string;
}

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj | null => (v && typeof v === 'object' ? (v as Obj) : null);

/** The Stripe-assigned ids `object` names (never its metadata). */
export function stripeRefs(object: StripeObject | Obj): StripeRef[] {
  const refs: StripeRef[] = [];
  const add = (kind: RefKind, v: unknown) => {
    const id = idOf(v);
    if (id) refs.push({ kind, id });
  };
  // where the money goes: the connected account a destination charge (or subscription, link …) pays out to
  add('account', asObj(object.transfer_data)?.destination);
  add('account', object.on_behalf_of);
  const id = object.id;
  switch (object.object) {
    case 'account':
      add('account', id);
      break;
    case 'transfer':
      add('account', object.destination);
      break;
    case 'application_fee':
      add('account', object.account);
      break;
    case 'customer':
      add('customer', id);
      break;
    case 'payment_intent':
      add('payment_intent', id);
      add('customer', object.customer);
      break;
    case 'charge':
      add('charge', id);
      add('payment_intent', object.payment_intent);
      add('customer', object.customer);
      break;
    case 'refund':
    case 'dispute': {
      add(object.object, id);
      add('payment_intent', object.payment_intent);
      // the pipeline refetches them with their charge: its destination tells whose payment it is
      const charge = asObj(object.charge);
      if (charge) refs.push(...stripeRefs(charge));
      else add('charge', object.charge);
      break;
    }
    case 'payment_method':
      add('payment_method', id);
      add('customer', object.customer);
      break;
    case 'setup_intent':
      add('customer', object.customer);
      add('payment_method', object.payment_method);
      break;
    case 'discount':
      // a customer's discount (`customer.discount.*`): its customer's
      add('customer', object.customer);
      break;
    case 'subscription':
      add('subscription', id);
      add('customer', object.customer);
      break;
    case 'invoice': {
      add('invoice', id);
      add('customer', object.customer);
      const parent = asObj(asObj(object.parent)?.subscription_details);
      add('subscription', parent?.subscription ?? object.subscription);
      break;
    }
    case 'checkout.session':
      add('checkout_session', id);
      add('payment_link', object.payment_link);
      add('payment_intent', object.payment_intent);
      add('subscription', object.subscription);
      add('customer', object.customer);
      break;
    case 'payment_link':
      add('payment_link', id);
      break;
    case 'product':
      add('product', id);
      break;
    case 'price':
      add('price', id);
      add('product', object.product);
      break;
  }
  return refs;
}

interface Found {
  k: RefKind;
  id: string;
  tenant_id: string;
  /** for accounts: 0 the tenant holding it now, then earlier holders newest first */
  rank: number;
}

/**
 * Which tenants own each id: only rows living on the platform account (destination charges, Express-like
 * customers, products and subscriptions), since a platform event's objects are the platform's. One query.
 */
async function lookup(tx: Tx, refs: StripeRef[]): Promise<Found[]> {
  const json = JSON.stringify(refs.map((r) => ({ k: r.kind, id: r.id })));
  return queryRows<Found>(
    tx,
    sql`with refs as (select distinct k, id from jsonb_to_recordset(${json}::jsonb) as r(k text, id text))
        select r.k, r.id, f.tenant_id::text as tenant_id, f.rank::int as rank from refs r
        join lateral (
          select t.id as tenant_id, 0 as rank from tenants t
            where r.k = 'account' and t.stripe_account_id = r.id
          union all
          select c.tenant_id, 1 + row_number() over (
                   order by c.disconnected_at is null desc, c.connected_at desc) from connect_accounts c
            where r.k = 'account' and c.stripe_account_id = r.id
          union all
          select c.tenant_id, 0 from customers c
            where r.k = 'customer' and c.stripe_account_id is null and c.stripe_customer_id = r.id
          union all
          select p.tenant_id, 0 from payments p
            where r.k = 'payment_intent' and p.charge_type = 'destination' and p.stripe_payment_intent_id = r.id
          union all
          select p.tenant_id, 0 from payments p
            where r.k = 'charge' and p.charge_type = 'destination' and p.stripe_charge_id = r.id
          union all
          select x.tenant_id, 0 from refunds x join payments p on p.id = x.payment_id
            where r.k = 'refund' and p.charge_type = 'destination' and x.stripe_refund_id = r.id
          union all
          select x.tenant_id, 0 from disputes x join payments p on p.id = x.payment_id
            where r.k = 'dispute' and p.charge_type = 'destination' and x.stripe_dispute_id = r.id
          union all
          select m.tenant_id, 0 from payment_methods m join customers c on c.id = m.customer_id
            where r.k = 'payment_method' and c.stripe_account_id is null and m.stripe_payment_method_id = r.id
          union all
          select s.tenant_id, 0 from subscriptions s
            where r.k = 'subscription' and s.account_kind <> 'standard' and s.stripe_subscription_id = r.id
          union all
          select i.tenant_id, 0 from subscription_invoices i join subscriptions s on s.id = i.subscription_id
            where r.k = 'invoice' and s.account_kind <> 'standard' and i.stripe_invoice_id = r.id
          union all
          select i.tenant_id, 0 from invoices i
            where r.k = 'payment_link' and i.charge_type = 'destination'
              and (i.stripe_payment_link_id = r.id or i.link_to_deactivate = r.id)
          union all
          select i.tenant_id, 0 from invoices i
            where r.k = 'checkout_session' and i.charge_type = 'destination' and i.stripe_checkout_session_id = r.id
          union all
          select ip.tenant_id, 0 from invoice_payments ip join invoices i on i.id = ip.invoice_id
            where r.k = 'checkout_session' and i.charge_type = 'destination' and ip.stripe_checkout_session_id = r.id
          union all
          select p.tenant_id, 0 from products p
            where r.k = 'product' and p.stripe_account_id is null and p.stripe_product_id = r.id
          union all
          select x.tenant_id, 0 from prices x join products p on p.id = x.product_id
            where r.k = 'price' and p.stripe_account_id is null and x.stripe_price_id = r.id
        ) f on true`,
  );
}

export interface Routing {
  /** the one tenant every signal agrees on, or null */
  tenantId: string | null;
  /** set when signals name different tenants (or an account no tenant holds beside one that is): not routed */
  conflict: string[] | null;
}

/**
 * The tenant of one object's refs. Our rows for its ids must name one tenant, and every account it pays must
 * be (or have been) that tenant's; without a row, every account's current holder must be the same tenant.
 * `historical`: the event may predate the account's current holder (events stored before routing existed),
 * so without a row it routes only by an account that only ever had one holder.
 */
export function decide(refs: StripeRef[], found: Found[], historical = false): Routing {
  const holders = new Map<string, string[]>();
  const rows = new Set<string>();
  for (const ref of refs) {
    const hits = found.filter((f) => f.k === ref.kind && f.id === ref.id);
    if (ref.kind === 'account') {
      holders.set(
        ref.id,
        [...hits].sort((x, y) => x.rank - y.rank).map((f) => f.tenant_id),
      );
    } else for (const f of hits) rows.add(f.tenant_id);
  }
  const accounts = [...holders.values()];
  if (rows.size > 1) return { tenantId: null, conflict: [...rows] };
  if (rows.size === 1) {
    const [tenant] = [...rows] as [string];
    const foreign = accounts.filter((h) => !h.includes(tenant));
    if (foreign.length === 0) return { tenantId: tenant, conflict: null };
    return { tenantId: null, conflict: [tenant, ...foreign.map((h) => h[0] ?? 'unknown account')] };
  }
  if (historical && accounts.some((h) => new Set(h).size > 1)) return { tenantId: null, conflict: null };
  const current = new Set(accounts.map((h) => h[0] ?? 'unknown account'));
  if (current.size === 0) return { tenantId: null, conflict: null };
  if (current.size === 1 && !current.has('unknown account'))
    return { tenantId: [...current][0]!, conflict: null };
  if (current.size === 1) return { tenantId: null, conflict: null };
  return { tenantId: null, conflict: [...current] };
}

/** One platform event to route: its id, and the object Stripe gave for it (refetched, or its snapshot). */
export interface Routable {
  eventId: string;
  object: StripeObject | Obj | undefined;
}

/**
 * Routes platform events and records each routed tenant on the event and its earlier attempts, in one
 * system transaction that reads our rows and writes nothing but `tenant_id` (which the tenant's own
 * transaction needs before it can mark the event). Returns the routed tenant of each event that has one.
 */
export async function routePlatformEvents(
  db: Db,
  log: Logger,
  events: readonly Routable[],
  historical = false,
): Promise<Map<string, string>> {
  const refsOf = new Map<string, StripeRef[]>();
  for (const e of events) {
    const refs = e.object ? stripeRefs(e.object) : [];
    if (refs.length > 0) refsOf.set(e.eventId, refs);
  }
  if (refsOf.size === 0) return new Map();
  return withSystem(db, 'webhooks.route', async (tx) => {
    const found = await lookup(tx, [...refsOf.values()].flat());
    const decided = new Map<string, string>();
    for (const [eventId, refs] of refsOf) {
      const r = decide(refs, found, historical);
      if (r.tenantId) decided.set(eventId, r.tenantId);
      else if (r.conflict) {
        log.warn(
          { event: eventId, tenants: r.conflict },
          'platform event names objects of several tenants: not routed, only its raw object is kept',
        );
      }
    }
    if (decided.size === 0) return decided;
    const pairs = JSON.stringify([...decided].map(([id, tenant]) => ({ id, tenant })));
    const written = await queryRows<{ id: string; tenant_id: string }>(
      tx,
      sql`update stripe_events e set tenant_id = x.tenant
          from jsonb_to_recordset(${pairs}::jsonb) as x(id text, tenant uuid)
          where e.id = x.id and e.tenant_id is null and e.account is null
          returning e.id, e.tenant_id::text as tenant_id`,
    );
    await tx.execute(sql`
      update stripe_event_attempts a set tenant_id = x.tenant
      from jsonb_to_recordset(${pairs}::jsonb) as x(id text, tenant uuid)
      where a.event_id = x.id and a.tenant_id is null`);
    return new Map(written.map((w) => [w.id, w.tenant_id]));
  });
}
