// The platform's unit economics for one month and currency: what a customer costs to win, what is left of
// revenue once it is served, how long a customer takes to pay back their cost, how many paying customers
// cover the fixed costs, and how long the cash lasts. Pure: the operator's inputs, the month's revenue and
// fees, and the MRR engine's new customers and ARPA are passed in.
import { ratio } from './ratio.ts';
import type { Ratio } from './types.ts';

export interface UnitEconomicsInputs {
  /** the operator's figures for the month (minor units); null when not entered */
  marketingSpend: number | null;
  fixedCosts: number | null;
  /** what serving the revenue cost besides Stripe's fees (hosting, support…); not entered counts 0 */
  costOfRevenue: number | null;
  /** cash at the month's end */
  cashBalance: number | null;
  /** the month's revenue: subscription revenue and gross fee revenue (minor units) */
  revenue: number;
  /** Stripe's fees the platform paid in the month (minor units) */
  stripeFees: number;
  /** customers who paid for the first time in the month (the MRR engine's `new` movements) */
  newCustomers: number;
  /** MRR per paying customer at the month's end (the MRR engine's ARPA); null with nobody paying */
  arpa: number | Ratio | null;
}

export interface UnitEconomics {
  /** marketing spend ÷ new customers (minor units per customer) */
  cac: Ratio | null;
  /** revenue − Stripe's fees − cost of revenue (minor units) */
  grossProfit: number;
  /** gross profit ÷ revenue; null while revenue is 0 or less */
  grossMargin: Ratio | null;
  /** CAC ÷ (ARPA × gross margin), in months; null when a customer never pays back (margin 0 or less) */
  paybackMonths: Ratio | null;
  /** fixed costs ÷ (ARPA × gross margin): the paying customers whose margin covers the fixed costs */
  breakEvenCustomers: Ratio | null;
  /** fixed costs + marketing spend + cost of revenue + Stripe's fees − revenue (minor units; < 0: a profit) */
  burn: number;
  /** cash ÷ burn, in months (0 with no cash left); null while nothing is burnt (burn 0 or less) */
  runwayMonths: Ratio | null;
}

const asRatio = (r: number | Ratio): Ratio =>
  typeof r === 'number' ? { numerator: BigInt(r), denominator: 1n } : r;

/** a ÷ b, exactly; b is not 0 */
const divide = (a: Ratio, b: Ratio): Ratio | null =>
  ratio(a.numerator * b.denominator, a.denominator * b.numerator);

export function unitEconomics(x: UnitEconomicsInputs): UnitEconomics {
  const costOfRevenue = x.costOfRevenue ?? 0;
  const grossProfit = x.revenue - x.stripeFees - costOfRevenue;
  const revenue = BigInt(x.revenue);
  const profit = BigInt(grossProfit);
  const arpa = x.arpa === null ? null : asRatio(x.arpa);
  // ARPA × gross margin = (a/b) × (profit/revenue): a margin per customer per month, kept as a fraction
  const perCustomer =
    arpa && arpa.numerator > 0n && revenue > 0n && profit > 0n
      ? { numerator: arpa.numerator * profit, denominator: arpa.denominator * revenue }
      : null;
  const cac = x.marketingSpend === null ? null : ratio(x.marketingSpend, x.newCustomers);
  const burn = (x.fixedCosts ?? 0) + (x.marketingSpend ?? 0) + costOfRevenue + x.stripeFees - x.revenue;
  return {
    cac,
    grossProfit,
    // a margin of no revenue, or of more given back than earned, means nothing
    grossMargin: revenue > 0n ? ratio(profit, revenue) : null,
    paybackMonths: cac && perCustomer ? divide(cac, perCustomer) : null,
    breakEvenCustomers:
      x.fixedCosts !== null && perCustomer ? divide(asRatio(x.fixedCosts), perCustomer) : null,
    burn,
    // no cash left while burning: no runway
    runwayMonths: x.cashBalance === null || burn <= 0 ? null : ratio(Math.max(0, x.cashBalance), burn),
  };
}
