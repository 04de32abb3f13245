// The platform's fee revenue, GMV and take rate, and each tenant's volume, refunds, disputes and the fees it
// paid, per month and currency, from facts the payments sync stored as Stripe booked them (never from our fee
// estimates). Pure: the facts come from fees-repo.ts.
import { monthsBetween } from './months.ts';
import { ratio } from './ratio.ts';
import type { Ratio } from './types.ts';

/**
 * What one kind of fact adds to a month's figures. Every amount is in minor units and positive as named
 * (`refund` is the amount refunded, `application_fee_refund` the fee given back):
 * - `payment`: charges that succeeded (their amount, at the charge);
 * - `refund`: refunds that succeeded (their amount, when Stripe made them);
 * - `application_fee` / `application_fee_refund`: the platform's balance transactions of application fees
 *   and of their refunds;
 * - `stripe_fee`: Stripe's processing fee on a charge whose fees the platform pays (a destination charge);
 * - `dispute_fee`: Stripe's dispute fees (less any given back) the platform pays, on those charges;
 * - `dispute_opened`: disputes opened (the amount disputed);
 * - `dispute_net`: what disputes moved (withdrawals with their fee, negative; reinstatements, positive).
 */
export type FeeFactKind =
  | 'payment'
  | 'refund'
  | 'application_fee'
  | 'application_fee_refund'
  | 'stripe_fee'
  | 'dispute_fee'
  | 'dispute_opened'
  | 'dispute_net';

/** The sum of one kind of fact for one tenant, month (`YYYY-MM`, UTC) and currency. */
export interface FeeFact {
  tenant: string;
  month: string;
  currency: string;
  kind: FeeFactKind;
  amount: number;
  /** how many objects (charges, refunds, disputes…) the amount sums */
  count: number;
}

/** One month's figures in one currency (minor units). */
export interface FeeFigures {
  month: string;
  currency: string;
  payments: number;
  paymentVolume: number;
  refunds: number;
  refundedVolume: number;
  /** paymentVolume − refundedVolume */
  gmv: number;
  disputes: number;
  disputedAmount: number;
  disputeNet: number;
  applicationFees: number;
  applicationFeeRefunds: number;
  /** applicationFees − applicationFeeRefunds: what the platform earned (from a tenant: what it paid) */
  grossFeeRevenue: number;
  /** Stripe's processing and dispute fees the platform paid on pass-through payments */
  stripeFees: number;
  /** grossFeeRevenue − stripeFees */
  netFeeRevenue: number;
  /** netFeeRevenue ÷ gmv; null without GMV (0 or less) */
  takeRate: Ratio | null;
  /** grossFeeRevenue ÷ gmv: the share of its volume a tenant paid the platform; null without GMV */
  feeRate: Ratio | null;
}

export interface FeeReportOptions {
  /** first and last month, both included */
  from: string;
  to: string;
  /** only this currency (lower-case): its rows even with no fact; without it every currency with a fact */
  currency?: string;
}

type Sums = Record<FeeFactKind, { amount: number; count: number }>;

const emptySums = (): Sums => ({
  payment: { amount: 0, count: 0 },
  refund: { amount: 0, count: 0 },
  application_fee: { amount: 0, count: 0 },
  application_fee_refund: { amount: 0, count: 0 },
  stripe_fee: { amount: 0, count: 0 },
  dispute_fee: { amount: 0, count: 0 },
  dispute_opened: { amount: 0, count: 0 },
  dispute_net: { amount: 0, count: 0 },
});

/** A month's figures from its sums. */
export function figuresOf(month: string, currency: string, s: Sums): FeeFigures {
  const gmv = s.payment.amount - s.refund.amount;
  const grossFeeRevenue = s.application_fee.amount - s.application_fee_refund.amount;
  const stripeFees = s.stripe_fee.amount + s.dispute_fee.amount;
  const netFeeRevenue = grossFeeRevenue - stripeFees;
  return {
    month,
    currency,
    payments: s.payment.count,
    paymentVolume: s.payment.amount,
    refunds: s.refund.count,
    refundedVolume: s.refund.amount,
    gmv,
    disputes: s.dispute_opened.count,
    disputedAmount: s.dispute_opened.amount,
    disputeNet: s.dispute_net.amount,
    applicationFees: s.application_fee.amount,
    applicationFeeRefunds: s.application_fee_refund.amount,
    grossFeeRevenue,
    stripeFees,
    netFeeRevenue,
    takeRate: gmv > 0 ? ratio(netFeeRevenue, gmv) : null,
    feeRate: gmv > 0 ? ratio(grossFeeRevenue, gmv) : null,
  };
}

/** Sums keyed by currency, then month. */
type Book = Map<string, Map<string, Sums>>;

function add(book: Book, f: FeeFact): void {
  const byMonth = book.get(f.currency) ?? new Map<string, Sums>();
  book.set(f.currency, byMonth);
  const sums = byMonth.get(f.month) ?? emptySums();
  byMonth.set(f.month, sums);
  sums[f.kind].amount += f.amount;
  sums[f.kind].count += f.count;
}

/** Every month of the range in every currency of the book, currencies in order, months oldest first. */
function rows(book: Book, months: string[]): FeeFigures[] {
  return [...book.keys()]
    .sort()
    .flatMap((currency) =>
      months.map((m) => figuresOf(m, currency, book.get(currency)!.get(m) ?? emptySums())),
    );
}

/**
 * The figures of every month from `from` to `to`, all the facts given taken together (every tenant's: the
 * platform's figures; one tenant's: its own). Facts outside the range or of another currency than `currency`
 * are left out.
 */
export function feeFigures(facts: readonly FeeFact[], options: FeeReportOptions): FeeFigures[] {
  const months = monthsBetween(options.from, options.to);
  const inRange = new Set(months);
  const book: Book = new Map();
  if (options.currency) book.set(options.currency, new Map());
  for (const f of facts) {
    if (inRange.has(f.month) && (!options.currency || f.currency === options.currency)) add(book, f);
  }
  return rows(book, months);
}

/** The figures of each tenant with a fact in the range, as feeFigures gives them. */
export function feeFiguresByTenant(
  facts: readonly FeeFact[],
  options: FeeReportOptions,
): Map<string, FeeFigures[]> {
  const byTenant = new Map<string, FeeFact[]>();
  for (const f of facts) {
    const list = byTenant.get(f.tenant);
    if (list) list.push(f);
    else byTenant.set(f.tenant, [f]);
  }
  return new Map([...byTenant].map(([tenant, list]) => [tenant, feeFigures(list, options)]));
}
