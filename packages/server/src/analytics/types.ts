// The analytics engine's inputs and results. Amounts are integers in the minor units of their currency;
// every figure is per currency (the engine never converts).

/** One subscription's MRR after a change, at Stripe's time of the change (minor units of `currency`). */
export interface MrrChange {
  subscription: string; // Stripe subscription id
  customer: string; // Stripe customer id (for the platform: the tenant's billing customer)
  currency: string; // lower-case ISO code
  mrr: number; // normalised monthly amount after the change, integer minor units, >= 0
  at: Date; // when the change takes effect (service end for churn, never the cancel request)
  /** when mrr becomes 0 by an end of service: voluntary (asked/canceled) or involuntary (unpaid, suspended) */
  churnKind?: 'voluntary' | 'involuntary';
}

export type ChurnKind = NonNullable<MrrChange['churnKind']>;

/** The length of a reporting period, in UTC: a calendar day, an ISO week (from Monday) or a calendar month. */
export type PeriodUnit = 'day' | 'week' | 'month';

/** A reporting period [start, end): a change at `end` exactly belongs to the next period. */
export interface Period {
  start: Date;
  end: Date;
}

export type MovementKind = 'new' | 'reactivation' | 'expansion' | 'contraction' | 'churn';

/** A ratio kept exactly; `denominator` is positive. A division by zero is `null`, never a Ratio. */
export interface Ratio {
  numerator: bigint;
  denominator: bigint;
}

/** One subscription's part in a customer's movement. */
export interface SubscriptionStep {
  subscription: string;
  before: number;
  after: number;
}

/**
 * Everything that happened to one customer's MRR (in one currency) at one instant: all the changes of their
 * subscriptions at that instant taken together, classified once at the customer level.
 */
export interface CustomerEvent {
  currency: string;
  customer: string;
  at: Date;
  before: number;
  after: number;
  /** null when the customer's MRR did not move across 0 or change (a trial at 0, a swap at the same amount) */
  kind: MovementKind | null;
  /** for churn: involuntary only when a change taking a subscription to 0 said so */
  churnKind?: ChurnKind;
  steps: SubscriptionStep[];
}

/** The MRR movements of one period; `churn` = `churnVoluntary` + `churnInvoluntary`. All are >= 0. */
export interface Movements {
  new: number;
  reactivation: number;
  expansion: number;
  contraction: number;
  churn: number;
  churnVoluntary: number;
  churnInvoluntary: number;
}

/** start + new + reactivation + expansion − contraction − churn = end. */
export interface LedgerRow extends Period {
  currency: string;
  startMrr: number;
  endMrr: number;
  movements: Movements;
}

/** A ledger row with the customer counts the ratios need. */
export interface PeriodSummary extends LedgerRow {
  payingAtStart: number;
  payingAtEnd: number;
  /** MRR at the end of the customers who paid at the start (the NRR numerator) */
  startPayersEndMrr: number;
  /** customers with a churn movement in the period and MRR 0 at its end, by the kind of their last churn */
  churnedCustomers: { total: number; voluntary: number; involuntary: number };
}

export interface PeriodMetrics extends PeriodSummary {
  growth: Ratio | null;
  nrr: Ratio | null;
  grr: Ratio | null;
  grossMrrChurn: Ratio | null;
  netMrrChurn: Ratio | null;
  customerChurn: Ratio | null;
  customerChurnVoluntary: Ratio | null;
  customerChurnInvoluntary: Ratio | null;
  /** MRR at end ÷ paying customers at end, minor units rounded half-up; null with no paying customer */
  arpa: number | null;
  arr: number;
  /** ARPA ÷ mean monthly customer churn rate, minor units rounded half-up; monthly periods only */
  ltv: number | null;
}

export interface LedgerViolation {
  currency: string;
  start: Date;
  problem: string;
}
