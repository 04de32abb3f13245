import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { FeeBreakdown } from './fees';
import { path } from './keys';
import type { List } from './types';

// Types mirror the server's payments schemas (packages/server/src/payments/*/schemas.ts).
export interface PaymentFees extends FeeBreakdown {
  /** fee recovered after the charge by reversing part of its transfer */
  fee_top_up: number;
  final: boolean;
}
export interface Payment {
  id: string;
  object: 'payment';
  status: string;
  amount: number;
  currency: string;
  customer: string | null;
  invoice: string | null;
  description: string | null;
  metadata: Record<string, string>;
  payment_method: { type: string | null; brand: string | null; last4: string | null } | null;
  fees: PaymentFees;
  charge_type: 'direct' | 'destination';
  account_kind: 'express' | 'standard';
  amount_refunded: number;
  dispute_status: string | null;
  failure_code: string | null;
  failure_message: string | null;
  next_action: { type: 'redirect_to_url'; url: string } | null;
  receipt_url: string | null;
  stripe: { account: string; payment_intent: string | null; charge: string | null };
  created: number;
  succeeded_at: number | null;
  updated: number;
}
export interface Refund {
  id: string;
  payment: string;
  amount: number;
  currency: string;
  reason: string | null;
  refund_application_fee: boolean;
  status: string;
  failure_reason: string | null;
  created: number;
}
export interface Dispute {
  id: string;
  payment: string;
  amount: number;
  currency: string;
  reason: string;
  status: string;
  evidence_due_by: number | null;
  evidence: Record<string, string>;
  files: { id: string; filename: string; field: string; size: number }[];
  evidence_submitted_at: number | null;
  created: number;
}
export interface PaymentDetail extends Payment {
  refunds: Refund[];
  disputes: Dispute[];
  timeline: { type: string; created: number; data: Record<string, unknown> }[];
}
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

export interface PaymentFilters {
  status?: string;
  q?: string;
  customer?: string;
  created_gte?: number;
  created_lte?: number;
}

const base = (tenantId: string) => path`/v1/tenants/${tenantId}`;
const keys = {
  all: (tenantId: string) => ['tenants', tenantId, 'payments'] as const,
  customers: (tenantId: string) => ['tenants', tenantId, 'customers'] as const,
};

export function usePayments(tenantId: string, params: Record<string, string | number | undefined>) {
  return useQuery({
    queryKey: [...keys.all(tenantId), 'list', params],
    queryFn: () => api<List<Payment>>(`${base(tenantId)}/payments`, { query: params }),
  });
}

/** The CSV export's URL for the same filters (a plain link: the session cookie authenticates it). */
export function exportUrl(tenantId: string, filters: PaymentFilters): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return `${base(tenantId)}/payments/export${s ? `?${s}` : ''}`;
}

export function usePayment(tenantId: string, paymentId: string) {
  return useQuery({
    queryKey: [...keys.all(tenantId), 'detail', paymentId],
    queryFn: () => api<PaymentDetail>(`${base(tenantId)}/payments/${encodeURIComponent(paymentId)}`),
  });
}

export function useRefund(tenantId: string, paymentId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { amount?: number; reason?: string; refund_application_fee?: boolean }) =>
      api<Refund>(`${base(tenantId)}/payments/${encodeURIComponent(paymentId)}/refunds`, {
        method: 'POST',
        body,
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.all(tenantId) }),
  });
}

export function useDisputes(tenantId: string) {
  return useQuery({
    queryKey: [...keys.all(tenantId), 'disputes'],
    queryFn: () => api<List<Dispute>>(`${base(tenantId)}/disputes`, { query: { limit: 100 } }),
  });
}

export function useCustomers(tenantId: string, params: Record<string, string | number | undefined>) {
  return useQuery({
    queryKey: [...keys.customers(tenantId), params],
    queryFn: () => api<List<Customer>>(`${base(tenantId)}/customers`, { query: params }),
  });
}

export function useCreateCustomer(tenantId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { email?: string; name?: string }) =>
      api<Customer>(`${base(tenantId)}/customers`, { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.customers(tenantId) }),
  });
}

const customerPath = (tenantId: string, customerId: string) =>
  `${base(tenantId)}/customers/${encodeURIComponent(customerId)}`;
const customerKey = (tenantId: string, customerId: string) =>
  [...keys.customers(tenantId), 'detail', customerId] as const;

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
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.customers(tenantId) }),
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
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.customers(tenantId) }),
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

/** The currencies the dashboard's forms offer first. */
export const commonCurrencies = ['usd', 'eur', 'gbp', 'cad', 'aud'] as const;

/** How many minor units the currency has after the point (2 for USD, 0 for JPY). */
export function currencyDigits(currency: string): number {
  return (
    new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency: currency.toUpperCase(),
    }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** "12.34" typed in major units → 1234 minor units of `currency`; null when it is not such an amount. */
export function parseMoney(text: string, currency: string): number | null {
  const digits = currencyDigits(currency);
  const m = /^\s*(\d{1,9})(?:\.(\d+))?\s*$/.exec(text);
  if (!m || (m[2] ?? '').length > digits) return null;
  return Number(m[1]) * 10 ** digits + Number((m[2] ?? '').padEnd(digits, '0') || 0);
}

/** Minor units → "$12.34" in the payment's currency. */
export function formatMoney(amount: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() }).format(
    amount / 10 ** currencyDigits(currency),
  );
}

export interface EvidenceInput {
  evidence: Record<string, string>;
  files: { field: string; filename: string; content_base64: string }[];
  submit?: boolean;
}

export function useSubmitEvidence(tenantId: string, disputeId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: EvidenceInput) =>
      api<Dispute>(`${base(tenantId)}/disputes/${encodeURIComponent(disputeId)}/evidence`, {
        method: 'POST',
        body,
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.all(tenantId) }),
  });
}

/** A File as base64 (no data: prefix), for the evidence upload. */
export function fileToBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}
