import { z } from 'zod';
import { toPublicId } from '../http/ids.ts';
import { currencyCode, unixTime } from '../http/schemas.ts';
import type { FeeReport } from './fee-report.ts';
import type { FeeFigures } from './fees.ts';
import { isMonth } from './months.ts';
import { formatPercent } from './ratio.ts';
import type { Ratio } from './types.ts';

const month = z.string().refine(isMonth, 'a calendar month, YYYY-MM, from 2000-01 to 2999-12');

/** Unknown parameters are ignored, as on the other GETs that take no list parameters. */
export const reportQuery = z.object({
  /** the first month (YYYY-MM, UTC); default: eleven months before `to` */
  from: month.optional(),
  /** the last month, included; default: the month in progress */
  to: month.optional(),
  /** one currency only (its rows even when nothing happened); default: every currency with a figure */
  currency: currencyCode.optional(),
});

/** The platform's report takes `group_by=tenant` too: each tenant's rows as well as the totals. */
export const platformReportQuery = reportQuery.extend({ group_by: z.enum(['tenant']).optional() });

const money = z.object({ amount: z.number().int(), currency: z.string() });

/** An exact ratio: its numerator and denominator (integers, as strings), and the percentage to 2 decimals. */
export const ratioSchema = z
  .object({ numerator: z.string(), denominator: z.string(), percent: z.string() })
  .nullable();

export function toApiRatio(r: Ratio | null): z.infer<typeof ratioSchema> {
  if (r === null) return null;
  return {
    numerator: r.numerator.toString(),
    denominator: r.denominator.toString(),
    percent: formatPercent(r)!,
  };
}

const volumeShape = {
  month: z.string(),
  currency: z.string(),
  payments: z.number().int(),
  payment_volume: money,
  refunds: z.number().int(),
  refunded_volume: money,
  disputes: z.number().int(),
  disputed_amount: money,
  dispute_net: money,
  application_fees: money,
  application_fee_refunds: money,
};

export const platformFeeRow = z.object({
  ...volumeShape,
  gmv: money,
  gross_fee_revenue: money,
  stripe_fees: money,
  net_fee_revenue: money,
  take_rate: ratioSchema,
});

export const tenantFeeRow = z.object({
  ...volumeShape,
  net_volume: money,
  fees_paid: money,
  fee_rate: ratioSchema,
});

/** What each figure means, shown next to it (docs/analytics.md says the same at length). */
const volumeDefinitions = {
  payments: 'Charges that succeeded in the month (UTC), counted when Stripe made them.',
  payment_volume: 'The amount of those charges.',
  refunds: 'Refunds that succeeded, counted in the month Stripe made them.',
  refunded_volume: 'The amount of those refunds.',
  disputes: 'Disputes opened in the month.',
  disputed_amount: 'The amount those disputes contest.',
  dispute_net:
    "What disputes moved in the month, from their balance transactions: funds withdrawn with Stripe's dispute fee (negative), funds reinstated (positive).",
  application_fees:
    "Application fees, from the platform's balance transactions of the fees (Stripe's figures, not the fee schedule's estimate), in the month they were booked.",
  application_fee_refunds:
    'Application fees given back to tenants, from the balance transactions of the fee refunds, in the month they were booked.',
};

export const platformDefinitions = {
  ...volumeDefinitions,
  gmv: "Payment volume − refunded volume of every tenant's payments (the platform's own plan charges are not tenants' payments and are not counted).",
  gross_fee_revenue: 'Application fees − application fee refunds.',
  stripe_fees:
    "Stripe's fees the platform pays on pass-through payments (destination charges of Express-like tenants): the processing fee of each charge from its balance transaction, and dispute fees less any returned.",
  net_fee_revenue: "Gross fee revenue − Stripe's fees the platform pays.",
  take_rate: 'Net fee revenue ÷ GMV, exact, shown as a percentage to 2 decimals; null when GMV is 0 or less.',
};

export const tenantDefinitions = {
  ...volumeDefinitions,
  net_volume: 'Payment volume − refunded volume.',
  fees_paid: 'Application fees − application fee refunds: what the tenant paid the platform.',
  fee_rate:
    'Fees paid ÷ net volume, exact, shown as a percentage to 2 decimals; null when net volume is 0 or less.',
};

const reportShape = {
  object: z.literal('fee_report'),
  /** the tenant the figures are of; null for the platform's (every tenant) */
  tenant: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  currency: z.string().nullable(),
  /** when the figures were read: later changes (a late webhook) restate the months they fall in */
  as_of: z.number().int(),
};

/** A tenant's part of the platform's figures (`group_by=tenant`). */
export const platformTenantFeeRow = z.object({ tenant: z.string(), ...platformFeeRow.shape });

export const platformFeeReportSchema = z.object({
  ...reportShape,
  definitions: z.record(z.string(), z.string()),
  data: z.array(platformFeeRow),
  /** with `group_by=tenant`: every tenant with a figure in the range, its rows as `data`'s */
  by_tenant: z.array(platformTenantFeeRow).optional(),
});

export const tenantFeeReportSchema = z.object({
  ...reportShape,
  definitions: z.record(z.string(), z.string()),
  data: z.array(tenantFeeRow),
});

const m = (amount: number, currency: string) => ({ amount, currency });

function volumeFields(f: FeeFigures) {
  const c = f.currency;
  return {
    month: f.month,
    currency: c,
    payments: f.payments,
    payment_volume: m(f.paymentVolume, c),
    refunds: f.refunds,
    refunded_volume: m(f.refundedVolume, c),
    disputes: f.disputes,
    disputed_amount: m(f.disputedAmount, c),
    dispute_net: m(f.disputeNet, c),
    application_fees: m(f.applicationFees, c),
    application_fee_refunds: m(f.applicationFeeRefunds, c),
  };
}

function header(r: FeeReport, tenantId: string | null) {
  return {
    object: 'fee_report' as const,
    tenant: tenantId ? toPublicId('tenant', tenantId) : null,
    from: r.from,
    to: r.to,
    currency: r.currency ?? null,
    as_of: unixTime(r.asOf)!,
  };
}

const platformFields = (f: FeeFigures) => ({
  ...volumeFields(f),
  gmv: m(f.gmv, f.currency),
  gross_fee_revenue: m(f.grossFeeRevenue, f.currency),
  stripe_fees: m(f.stripeFees, f.currency),
  net_fee_revenue: m(f.netFeeRevenue, f.currency),
  take_rate: toApiRatio(f.takeRate),
});

export function toApiPlatformReport(r: FeeReport): z.infer<typeof platformFeeReportSchema> {
  const byTenant = r.tenants
    ? [...r.tenants]
        .map(([id, rows]) => [toPublicId('tenant', id), rows] as const)
        .sort(([a], [b]) => a.localeCompare(b))
        .flatMap(([tenant, rows]) => rows.map((f) => ({ tenant, ...platformFields(f) })))
    : undefined;
  return {
    ...header(r, null),
    definitions: platformDefinitions,
    data: r.figures.map(platformFields),
    ...(byTenant ? { by_tenant: byTenant } : {}),
  };
}

export function toApiTenantReport(r: FeeReport, tenantId: string): z.infer<typeof tenantFeeReportSchema> {
  return {
    ...header(r, tenantId),
    definitions: tenantDefinitions,
    data: r.figures.map((f) => ({
      ...volumeFields(f),
      net_volume: m(f.gmv, f.currency),
      fees_paid: m(f.grossFeeRevenue, f.currency),
      fee_rate: toApiRatio(f.feeRate),
    })),
  };
}

/** The cells of one API figure: a money amount in minor units; a ratio as its percent, numerator, denominator. */
function csvColumns(row: z.ZodObject): {
  header: string[];
  cells: (r: Record<string, unknown>) => unknown[];
} {
  const keys = Object.keys(row.shape);
  const kindOf = (k: string) =>
    row.shape[k] === money ? 'money' : row.shape[k] === ratioSchema ? 'ratio' : 'plain';
  return {
    header: keys.flatMap((k) =>
      kindOf(k) === 'ratio' ? [`${k}_percent`, `${k}_numerator`, `${k}_denominator`] : [k],
    ),
    cells: (r) =>
      keys.flatMap((k) => {
        const v = r[k];
        if (kindOf(k) === 'money') return [(v as { amount: number }).amount];
        if (kindOf(k) === 'ratio') {
          const x = v as z.infer<typeof ratioSchema>;
          return x ? [x.percent, x.numerator, x.denominator] : ['', '', ''];
        }
        return [v];
      }),
  };
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** The report's rows as CSV: one line per month and currency, amounts in minor units. */
export function reportCsv(row: z.ZodObject, data: readonly Record<string, unknown>[]): string {
  const { header, cells } = csvColumns(row);
  const lines = [header, ...data.map(cells)].map((l) => l.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
