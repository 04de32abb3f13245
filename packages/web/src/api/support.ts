import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { path } from './path';

// Support queries (docs/support.md): find customers, then everything about one. Types mirror
// packages/server/src/support/schemas.ts. Read-only: the one call that is not a plain read is the
// refresh, which makes the server read the customer's objects from Stripe first.

export type SupportSource = 'mirror' | 'stripe';

export interface SupportMatch {
  tenant: { id: string; name: string };
  customer: { id: string; stripe_id: string | null; email: string | null; name: string | null };
  source: SupportSource;
  as_of: number;
}

export interface SupportPayment {
  id: string;
  stripe_payment_intent_id: string | null;
  stripe_charge_id: string | null;
  amount: number;
  currency: string;
  status: string;
  amount_refunded: number;
  fee: { stripe: number; application: number } | null;
  net: number | null;
  failure_code: string | null;
  failure_reason: string | null;
  receipt_url: string | null;
  dispute_status: string | null;
  card: { brand: string | null; last4: string | null } | null;
  created: number;
}

export interface SupportSubscription {
  id: string;
  stripe_id: string | null;
  status: string;
  plan: {
    product_name: string | null;
    unit_amount: number;
    currency: string;
    interval: string;
    interval_count: number;
  } | null;
  quantity: number;
  current_period_end: number | null;
  cancel_at_period_end: boolean;
  canceled_at: number | null;
  trial_end: number | null;
  created: number;
}

export interface SupportInvoice {
  id: string;
  kind: 'subscription' | 'invoice';
  number: string | null;
  status: string;
  currency: string;
  amount_due: number;
  amount_paid: number;
  url: string | null;
  created: number;
}

export interface SupportRefund {
  id: string;
  stripe_id: string | null;
  payment: string;
  amount: number;
  currency: string;
  status: string;
  reason: string | null;
  failure_reason: string | null;
  arn: string | null;
  arn_status: string | null;
  expected_arrival: { earliest: number; latest: number } | null;
  created: number;
}

export interface SupportDispute {
  id: string;
  stripe_id: string;
  payment: string;
  amount: number;
  currency: string;
  status: string;
  reason: string;
  evidence_due_by: number | null;
  created: number;
}

export interface SupportPaymentMethod {
  id: string;
  type: string;
  brand: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
}

export interface TimelineEntry {
  at: number;
  kind: 'payment' | 'refund' | 'dispute' | 'subscription' | 'invoice' | 'payment_method' | 'customer';
  type: string;
  object: string;
  summary: string;
  stripe_event: string | null;
}

export interface SupportCustomer {
  object: 'support_customer';
  tenant: { id: string; name: string };
  customer: SupportMatch['customer'] & { deleted: boolean; as_of: number | null };
  source: SupportSource;
  as_of: number;
  payments: SupportPayment[];
  subscriptions: SupportSubscription[];
  invoices: SupportInvoice[];
  refunds: SupportRefund[];
  disputes: SupportDispute[];
  payment_methods: SupportPaymentMethod[];
  timeline: TimelineEntry[];
}

/** Exactly one criterion (`last4` goes with `amount`, in minor units, and optionally `currency`). */
export type SupportCriterion =
  | { email: string }
  | { customer: string }
  | { payment: string }
  | { last4: string; amount: number; currency: string };

/**
 * Where the caller looks: a tenant (its own, or the one the operator names), or — the operator only — every
 * tenant with a reason, which the audit log records with the lookup.
 */
export type SupportAudience = { tenant?: string; reason?: string };

const supportKey = ['support'] as const;

/** The matches of one search; idle until a search is submitted (`criterion` null). */
export function useSupportSearch(criterion: SupportCriterion | null, audience: SupportAudience) {
  return useQuery({
    queryKey: [...supportKey, 'search', criterion, audience],
    queryFn: () =>
      api<{ data: SupportMatch[] }>('/v1/support/customers', { query: { ...criterion, ...audience } }),
    enabled: criterion !== null,
    // every search is an audited lookup: the same one is not asked again behind the user's back
    staleTime: Number.POSITIVE_INFINITY,
  });
}

const customerKey = (customerId: string, audience: SupportAudience) =>
  [...supportKey, 'customer', customerId, audience] as const;
const customerPath = (customerId: string) => path`/v1/support/customers/${customerId}`;

/** Everything about one customer, from Tributary's records. */
export function useSupportCustomer(customerId: string, audience: SupportAudience) {
  return useQuery({
    queryKey: customerKey(customerId, audience),
    queryFn: () => api<SupportCustomer>(customerPath(customerId), { query: audience }),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Reads the customer's objects from Stripe now (`refresh=true`); the answer replaces the one shown. */
export function useRefreshSupportCustomer(customerId: string, audience: SupportAudience) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () =>
      api<SupportCustomer>(customerPath(customerId), { query: { ...audience, refresh: true } }),
    onSuccess: (answer) => qc.setQueryData(customerKey(customerId, audience), answer),
  });
}
