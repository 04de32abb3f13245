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

export interface FeeDifferenceRow {
  paymentId: string;
  tenantId: string;
  charge: string | null;
  currency: string;
  chargedAt: Date;
  /** the application fee set on the charge */
  applicationFeeAmount: number;
  /** the application fee Stripe booked in the payment's currency (its balance transactions); null while none */
  bookedFee: number | null;
  /** whether a balance transaction of the fee is in another currency than the payment's */
  otherCurrency: boolean;
  /** fee recovered after the charge by a transfer reversal (a first subscription invoice), and what of it the
   * transfer no longer held */
  feeTopUp: number;
  feeTopUpUncollected: number;
  /** the fee Stripe says it refunded, and the fee refunds booked */
  feeRefunded: number;
  feeRefundsBooked: number;
}

/**
 * Tenants' payments of the range whose fee as collected differs from the fee schedule's — the fee set on
 * the charge plus any top-up: no fee booked yet, one booked in another currency, a booked fee other than the
 * one set on the charge, a top-up not all collected, or fee refunds booked other than what Stripe says was
 * refunded. At most `limit` + 1 rows, oldest first.
 */
export async function feeDifferences(tx: Tx, range: FactRange, limit: number): Promise<FeeDifferenceRow[]> {
  const charged = sql`coalesce(p.charge_created, p.succeeded_at)`;
  const fee = sql`sum(f.amount) filter (where f.type = 'application_fee' and f.currency = p.currency)`;
  const refunds = sql`coalesce(-sum(f.amount) filter (where f.type = 'application_fee_refund' and f.currency = p.currency), 0)`;
  const foreign = sql`count(f.id) filter (where f.currency <> p.currency)`;
  const rows = await queryRows<{
    payment_id: string;
    tenant_id: string;
    charge: string | null;
    currency: string;
    charged_at: string;
    application_fee_amount: number;
    booked_fee: string | null;
    other_currency: number;
    fee_top_up: number;
    fee_top_up_uncollected: number;
    fee_refunded: number;
    fee_refunds_booked: string;
  }>(
    tx,
    sql`select p.id as payment_id, p.tenant_id, p.stripe_charge_id as charge, p.currency,
               ${charged} as charged_at, p.application_fee_amount, p.fee_top_up, p.fee_top_up_uncollected,
               p.application_fee_refunded as fee_refunded, ${fee} as booked_fee,
               ${refunds} as fee_refunds_booked, ${foreign}::int as other_currency
        from payments p
        left join fee_balance_transactions f on f.tenant_id = p.tenant_id and f.payment_id = p.id
        where p.status = 'succeeded' and p.application_fee_amount > 0
          and ${within(charged, range)}${narrowed('p', range)}
        group by p.id
        having ${fee} is null or ${foreign} > 0
            or ${fee} <> p.application_fee_amount or p.fee_top_up_uncollected <> 0
            or ${refunds} <> p.application_fee_refunded
        order by ${charged}, p.id
        limit ${limit + 1}`,
  );
  return rows.map((r) => ({
    paymentId: r.payment_id,
    tenantId: r.tenant_id,
    charge: r.charge,
    currency: r.currency,
    chargedAt: new Date(r.charged_at),
    applicationFeeAmount: Number(r.application_fee_amount),
    bookedFee: r.booked_fee === null ? null : Number(r.booked_fee),
    otherCurrency: Number(r.other_currency) > 0,
    feeTopUp: Number(r.fee_top_up),
    feeTopUpUncollected: Number(r.fee_top_up_uncollected),
    feeRefunded: Number(r.fee_refunded),
    feeRefundsBooked: Number(r.fee_refunds_booked),
  }));
}
