import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { path } from './keys';
import type { List } from './types';

// Types mirror the server's payments schemas (packages/server/src/payments/schemas.ts).
export interface PaymentFees {
  platform_fee: number;
  application_fee: number;
  stripe_fee: number;
  stripe_fee_payer: 'platform' | 'account';
  tenant_net: number;
  platform_net: number;
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
  metadata: Record<string, string>;
  default_payment_method: string | null;
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

/** Minor units → "$12.34" in the payment's currency. */
export function formatMoney(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  const digits =
    new Intl.NumberFormat(undefined, { style: 'currency', currency: code }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: code }).format(
    amount / 10 ** digits,
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
