import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { FeeBreakdown } from './fees';
import { path } from './path';
import type { List } from './types';

// A tenant's payments, their refunds and disputes. Types mirror the server's payments schemas
// (packages/server/src/payments/*/schemas.ts).
export interface PaymentFees extends FeeBreakdown {
  /** fee recovered after the charge by reversing part of its transfer */
  fee_top_up: number;
  /** what the top-up could not take back: the transfer held less after a refund */
  fee_top_up_uncollected: number;
  final: boolean;
  /** refunded so far: counted in the nets (the tenant pays it) */
  refunded: number;
  /** the application fee refunded with refunds, back from the platform to the tenant */
  application_fee_refunded: number;
  /** the disputes' balance transactions: withdrawal and dispute fee, less any reinstatement */
  dispute_net: number;
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
  /** a dispute is open (needs a response or under review) */
  disputed: boolean;
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
export interface PaymentFilters {
  status?: string;
  q?: string;
  customer?: string;
  created_gte?: number;
  created_lte?: number;
}

const base = (tenantId: string) => path`/v1/tenants/${tenantId}`;
const paymentsKey = (tenantId: string) => ['tenants', tenantId, 'payments'] as const;

export function usePayments(tenantId: string, params: Record<string, string | number | undefined>) {
  return useQuery({
    queryKey: [...paymentsKey(tenantId), 'list', params],
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
    queryKey: [...paymentsKey(tenantId), 'detail', paymentId],
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
    onSuccess: () => qc.invalidateQueries({ queryKey: paymentsKey(tenantId) }),
  });
}

export function useDisputes(tenantId: string) {
  return useQuery({
    queryKey: [...paymentsKey(tenantId), 'disputes'],
    queryFn: () => api<List<Dispute>>(`${base(tenantId)}/disputes`, { query: { limit: 100 } }),
  });
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
    onSuccess: () => qc.invalidateQueries({ queryKey: paymentsKey(tenantId) }),
  });
}
