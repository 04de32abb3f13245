import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { path } from './path';
import type { List } from './types';

// A tenant's customers and the payment methods saved for them on its connected account. Types mirror
// packages/server/src/payments/customers/schemas.ts.
export interface Customer {
  id: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  address: Record<string, string | null> | null;
  metadata: Record<string, string>;
  default_payment_method: string | null;
  stripe_customer_id: string | null;
  created: number;
}
/** `null` clears a field; metadata merges, and a key set to "" is removed (as Stripe does). */
export interface CustomerUpdate {
  email?: string | null;
  name?: string | null;
  metadata?: Record<string, string>;
}
export interface PaymentMethod {
  id: string;
  customer: string;
  type: string;
  card: {
    brand: string | null;
    last4: string | null;
    exp_month: number | null;
    exp_year: number | null;
  } | null;
  us_bank_account: { bank_name: string | null; last4: string | null } | null;
  is_default: boolean;
  stripe_payment_method_id: string;
  created: number;
}

const base = (tenantId: string) => path`/v1/tenants/${tenantId}`;
const customersKey = (tenantId: string) => ['tenants', tenantId, 'customers'] as const;

export function useCustomers(tenantId: string, params: Record<string, string | number | undefined>) {
  return useQuery({
    queryKey: [...customersKey(tenantId), params],
    queryFn: () => api<List<Customer>>(`${base(tenantId)}/customers`, { query: params }),
  });
}

/** Customers whose e-mail or name contains `q` (the picker's search as you type); idle while `q` is empty. */
export function useCustomerSearch(tenantId: string, q: string) {
  return useQuery({
    queryKey: [...customersKey(tenantId), 'search', q],
    queryFn: () => api<List<Customer>>(`${base(tenantId)}/customers`, { query: { q, limit: 6 } }),
    enabled: q.length > 0,
    placeholderData: (previous) => previous,
  });
}

export function useCreateCustomer(tenantId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { email?: string; name?: string }) =>
      api<Customer>(`${base(tenantId)}/customers`, { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: customersKey(tenantId) }),
  });
}

const customerPath = (tenantId: string, customerId: string) =>
  `${base(tenantId)}/customers/${encodeURIComponent(customerId)}`;
const customerKey = (tenantId: string, customerId: string) =>
  [...customersKey(tenantId), 'detail', customerId] as const;

export function useCustomer(tenantId: string, customerId: string) {
  return useQuery({
    queryKey: customerKey(tenantId, customerId),
    queryFn: () => api<Customer>(customerPath(tenantId, customerId)),
  });
}

export function useUpdateCustomer(tenantId: string, customerId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CustomerUpdate) =>
      api<Customer>(customerPath(tenantId, customerId), { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: customersKey(tenantId) }),
  });
}

/**
 * The customer's saved methods. `pollUntil` (epoch ms) reads them again every few seconds until then: a
 * method saved on Stripe's page arrives by webhook, and the default a moment after it.
 */
export function usePaymentMethods(tenantId: string, customerId: string, opts: { pollUntil?: number } = {}) {
  return useQuery({
    queryKey: [...customerKey(tenantId, customerId), 'payment_methods'],
    queryFn: () => api<List<PaymentMethod>>(`${customerPath(tenantId, customerId)}/payment_methods`),
    refetchInterval: () => (opts.pollUntil && Date.now() < opts.pollUntil ? 3000 : false),
  });
}

/** Make a saved method the default, or detach it (owners/admins). */
export function usePaymentMethodAction(tenantId: string, customerId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'default' | 'detach' }) => {
      const at = `${customerPath(tenantId, customerId)}/payment_methods/${encodeURIComponent(id)}`;
      return action === 'default'
        ? api<unknown>(`${at}/default`, { method: 'POST' })
        : api<unknown>(at, { method: 'DELETE' });
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: customersKey(tenantId) }),
  });
}

export interface SetupSession {
  object: 'setup_session';
  /** the Checkout Session (`cs_…`) */
  id: string;
  url: string;
  expires_at: number;
}

/**
 * Stripe's hosted page (Checkout in setup mode) where the customer saves a card, 3-D Secure included; the
 * method then arrives by webhook and becomes the default if the customer has none. Made on demand.
 */
export function useSetupSession(tenantId: string, customerId: string) {
  return useMutation({
    mutationFn: (body: { success_url: string; cancel_url: string }) =>
      api<SetupSession>(`${customerPath(tenantId, customerId)}/setup_sessions`, { method: 'POST', body }),
  });
}

/** A single-use Stripe customer portal link, made on demand (never cached). */
export function usePortalSession(tenantId: string, customerId: string) {
  return useMutation({
    mutationFn: () =>
      api<{ url: string; created: number }>(`${customerPath(tenantId, customerId)}/portal_session`, {
        method: 'POST',
        body: {},
      }),
  });
}
