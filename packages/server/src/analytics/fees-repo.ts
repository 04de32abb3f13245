import { type SQL, sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.ts';
import type { FeeFact, FeeFactKind } from './fees.ts';

// The facts of analytics/fees.ts, summed per tenant, month (UTC) and currency in one query over what the
// payments sync stored: charges and refunds as Stripe dated them, the platform's balance transactions of
// application fees and their refunds, Stripe's fee on each charge whose fees the platform pays (its balance
// transaction's, once known: `fees_final`), and disputes' balance transactions. Rows are read as the
// transaction's row-level security lets it: one tenant's in its own transaction, all under the operator's.

export interface FactRange {
  /** the first instant counted, and the first one after the range */
  from: Date;
  to: Date;
  /** one tenant's facts only */
  tenantId?: string;
  currency?: string;
}

const month = (at: SQL) => sql`to_char(date_trunc('month', (${at}) at time zone 'UTC'), 'YYYY-MM')`;

function within(at: SQL, r: FactRange): SQL {
  return sql`(${at}) >= ${r.from.toISOString()}::timestamptz and (${at}) < ${r.to.toISOString()}::timestamptz`;
}

/** `and <alias>.tenant_id = …` / `and <alias>.currency = …` when the range asks for one. */
function narrowed(alias: string, r: FactRange): SQL {
  const a = sql.raw(alias);
  return sql`${r.tenantId ? sql` and ${a}.tenant_id = ${r.tenantId}::uuid` : sql``}${
    r.currency ? sql` and ${a}.currency = ${r.currency}` : sql``
  }`;
}

/** Each source: the tenant, when it happened, the currency, the kind and the (positive, as named) amount. */
function sources(r: FactRange): SQL[] {
  const refunded = sql`coalesce(r.stripe_created, r.created_at)`;
  // a payment is dated by Stripe (its charge's creation); the time we saw it succeed only until the charge's
  // event is in (a refetched PaymentIntent is synced at the time it was read, not Stripe's)
  const charged = sql`coalesce(p.charge_created, p.succeeded_at)`;
  const opened = sql`coalesce(d.stripe_created, d.created_at)`;
  const btAt = sql`to_timestamp((bt->>'created')::bigint)`;
  return [
    sql`select p.tenant_id, ${month(charged)} as month, p.currency, 'payment' as kind, p.amount::bigint as amount
        from payments p
        where p.status = 'succeeded' and ${within(charged, r)}${narrowed('p', r)}`,
    sql`select r.tenant_id, ${month(refunded)}, r.currency, 'refund', r.amount::bigint
        from refunds r
        where r.status = 'succeeded' and ${within(refunded, r)}${narrowed('r', r)}`,
    sql`select f.tenant_id, ${month(sql`f.created`)}, f.currency, f.type,
               (case when f.type = 'application_fee' then f.amount else -f.amount end)::bigint
        from fee_balance_transactions f
        where ${within(sql`f.created`, r)}${narrowed('f', r)}`,
    sql`select p.tenant_id, ${month(charged)}, p.currency, 'stripe_fee', p.stripe_fee::bigint
        from payments p
        where p.charge_type = 'destination' and p.fees_final and p.stripe_fee <> 0
          and ${within(charged, r)}${narrowed('p', r)}`,
    sql`select d.tenant_id, ${month(opened)}, d.currency, 'dispute_opened', d.amount::bigint
        from disputes d
        where ${within(opened, r)}${narrowed('d', r)}`,
    // a dispute's fee is the platform's to pay on a destination charge (the money left its balance)
    sql`select d.tenant_id, ${month(btAt)}, d.currency,
               (case when k.kind = 'dispute_fee' then 'dispute_fee' else 'dispute_net' end),
               (case when k.kind = 'dispute_fee' then (bt->>'fee')::bigint else (bt->>'net')::bigint end)
        from disputes d
        join payments p on p.id = d.payment_id
        cross join lateral jsonb_array_elements(d.balance_transactions) bt
        cross join lateral (values ('dispute_net'), ('dispute_fee')) k(kind)
        where (k.kind = 'dispute_net' or p.charge_type = 'destination')
          and ${within(btAt, r)}${narrowed('d', r)}`,
  ];
}

interface FactRow {
  tenant: string;
  month: string;
  currency: string;
  kind: FeeFactKind;
  amount: string | number;
  count: number;
}

/** The facts of the range, summed per tenant, month, currency and kind. */
export async function feeFacts(tx: Tx, range: FactRange): Promise<FeeFact[]> {
  const union = sql.join(sources(range), sql` union all `);
  const rows = await queryRows<FactRow>(
    tx,
    sql`select x.tenant_id::text as tenant, x.month, x.currency, x.kind,
               sum(x.amount)::bigint as amount, count(*)::int as count
        from (${union}) as x(tenant_id, month, currency, kind, amount)
        group by 1, 2, 3, 4
        order by 1, 2, 3, 4`,
  );
  return rows.map((r) => ({ ...r, amount: Number(r.amount) }));
}

export interface PlanRevenueRow {
  month: string;
  currency: string;
  /** what the tenants paid for the platform's plans, tax left out (minor units) */
  amount: number;
}

/**
 * The platform's subscription revenue per month and currency: its plan invoices that are paid, less their
 * tax, each in the month of its date at Stripe. Read under the operator's system context (every tenant's).
 */
export async function planRevenue(tx: Tx, range: FactRange): Promise<PlanRevenueRow[]> {
  const rows = await queryRows<{ month: string; currency: string; amount: string | number }>(
    tx,
    sql`select ${month(sql`i.created_at`)} as month, i.currency,
               sum(i.amount_paid - coalesce(i.total_tax, 0))::bigint as amount
        from platform_invoices i
        where i.status = 'paid' and ${within(sql`i.created_at`, range)}${narrowed('i', range)}
        group by 1, 2 order by 1, 2`,
  );
  return rows.map((x) => ({ month: x.month, currency: x.currency, amount: Number(x.amount) }));
}
