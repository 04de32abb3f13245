import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { path } from './path';
import type { List } from './types';

// Subscriptions on the tenant's connected account, and the plans they take: a product with one recurring
// price. Types mirror packages/server/src/subscriptions/schemas.ts.
export interface Product {
  id: string;
  name: string;
  description: string | null;
  active: boolean;
  created: number;
}
export interface Price {
  id: string;
  product: string;
  currency: string;
  unit_amount: number;
  interval: string;
  interval_count: number;
  created: number;
}
export interface Subscription {
  id: string;
  status: string;
  customer: string | null;
  price: string | null;
  quantity: number;
  application_fee_percent: number | null;
  trial_end: number | null;
  current_period_start: number | null;
  current_period_end: number | null;
  cancel_at_period_end: boolean;
  canceled_at: number | null;
  account_kind: 'express' | 'standard';
  stripe: { account: string; subscription: string | null; latest_invoice: string | null };
  /** in lists: who pays, and the plan */
  customer_details?: { name: string | null; email: string | null } | null;
  plan?: {
    name: string;
    unit_amount: number;
    currency: string;
    interval: string;
    interval_count: number;
  } | null;
  /** while incomplete: the first invoice's hosted page, for the customer to pay (detail only) */
  complete_payment_url: string | null;
  invoices:
    | {
        stripe_invoice: string;
        number: string | null;
        status: string;
        billing_reason: string | null;
        currency: string;
        amount_due: number;
        amount_paid: number;
        application_fee_amount: number | null;
        hosted_invoice_url: string | null;
        payment: string | null;
        created: number;
      }[]
    | null;
  created: number;
}

const base = (tenantId: string) => path`/v1/tenants/${tenantId}`;
const subscriptionsKey = (tenantId: string) => ['tenants', tenantId, 'subscriptions'] as const;
type Params = Record<string, string | number | undefined>;

export function useSubscriptions(tenantId: string, params: Params) {
  return useQuery({
    queryKey: [...subscriptionsKey(tenantId), 'list', params],
    queryFn: () => api<List<Subscription>>(`${base(tenantId)}/subscriptions`, { query: params }),
  });
}

export function useSubscription(tenantId: string, id: string | null) {
  return useQuery({
    queryKey: [...subscriptionsKey(tenantId), 'detail', id],
    queryFn: () => api<Subscription>(`${base(tenantId)}/subscriptions/${encodeURIComponent(id!)}`),
    enabled: id !== null,
  });
}

export function usePrices(tenantId: string) {
  return useQuery({
    queryKey: [...subscriptionsKey(tenantId), 'prices'],
    queryFn: () => api<List<Price>>(`${base(tenantId)}/prices`, { query: { limit: 100 } }),
  });
}

export function useProducts(tenantId: string) {
  return useQuery({
    queryKey: [...subscriptionsKey(tenantId), 'products'],
    queryFn: () => api<List<Product>>(`${base(tenantId)}/products`, { query: { limit: 100 } }),
  });
}

function useSubscriptionMutation<V, R>(tenantId: string, fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => qc.invalidateQueries({ queryKey: subscriptionsKey(tenantId) }),
  });
}

/** A product with one recurring price, as the dashboard offers it. */
export function useCreatePlan(tenantId: string) {
  return useSubscriptionMutation(
    tenantId,
    // one request: the server makes the product and its price together, or neither (no orphan product)
    (v: { name: string; unit_amount: number; currency: string; interval: string }) =>
      api<Product & { price: Price | null }>(`${base(tenantId)}/products`, {
        method: 'POST',
        body: {
          name: v.name,
          price: { unit_amount: v.unit_amount, currency: v.currency, interval: v.interval },
        },
      }),
  );
}

export function useCreateSubscription(tenantId: string) {
  return useSubscriptionMutation(
    tenantId,
    (body: { customer: string; price: string; quantity?: number; trial_period_days?: number }) =>
      api<Subscription>(`${base(tenantId)}/subscriptions`, { method: 'POST', body }),
  );
}

export function useChangeSubscription(tenantId: string) {
  return useSubscriptionMutation(
    tenantId,
    ({ id, action, body }: { id: string; action: 'update' | 'cancel'; body: Record<string, unknown> }) =>
      api<Subscription>(
        `${base(tenantId)}/subscriptions/${encodeURIComponent(id)}${action === 'cancel' ? '/cancel' : ''}`,
        { method: 'POST', body },
      ),
  );
}
