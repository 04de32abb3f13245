import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { path } from './path';
import type { List } from './types';

// A tenant's own invoices to its customers, each paid once through its Payment Link. Types mirror
// packages/server/src/invoices/schemas.ts.
export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'void' | 'uncollectible' | 'overdue';
export interface InvoiceLineInput {
  description: string;
  quantity: number;
  unit_amount: number;
}
export interface Invoice {
  id: string;
  object: 'invoice';
  status: InvoiceStatus;
  customer: string | null;
  customer_email: string | null;
  currency: string;
  lines: (InvoiceLineInput & { amount: number })[];
  amount_total: number;
  due_date: number | null;
  notes: string | null;
  external_reference: string | null;
  metadata: Record<string, string>;
  payment_link: { id: string; url: string } | null;
  application_fee_amount: number | null;
  platform_fee: number | null;
  charge_type: 'direct' | 'destination' | null;
  payment: string | null;
  payments: {
    checkout_session: string;
    payment_intent: string | null;
    amount: number;
    outcome: string;
    refund_error: string | null;
    created: number;
  }[];
  last_payment_failure: {
    payment: string;
    code: string | null;
    message: string | null;
    created: number;
  } | null;
  editable: boolean;
  sent_at: number | null;
  paid_at: number | null;
  voided_at: number | null;
  created: number;
  updated: number;
}
export interface InvoiceInput {
  lines: InvoiceLineInput[];
  currency?: string;
  customer?: string | null;
  customer_email?: string | null;
  due_date?: number | null;
  notes?: string | null;
  external_reference?: string | null;
}

const base = (tenantId: string) => path`/v1/tenants/${tenantId}`;
const invoicesKey = (tenantId: string) => ['tenants', tenantId, 'invoices'] as const;
type Params = Record<string, string | number | undefined>;

export function useInvoices(tenantId: string, params: Params) {
  return useQuery({
    queryKey: [...invoicesKey(tenantId), 'list', params],
    queryFn: () => api<List<Invoice>>(`${base(tenantId)}/invoices`, { query: params }),
  });
}

function useInvoiceMutation<V>(tenantId: string, fn: (v: V) => Promise<Invoice>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => qc.invalidateQueries({ queryKey: invoicesKey(tenantId) }),
  });
}

export function useSaveInvoice(tenantId: string) {
  return useInvoiceMutation(tenantId, ({ id, body }: { id: string | null; body: InvoiceInput }) =>
    api<Invoice>(id ? `${base(tenantId)}/invoices/${encodeURIComponent(id)}` : `${base(tenantId)}/invoices`, {
      method: 'POST',
      body,
    }),
  );
}

export function useInvoiceAction(tenantId: string) {
  return useInvoiceMutation(
    tenantId,
    ({ id, action }: { id: string; action: 'send' | 'void' | 'mark_uncollectible' }) =>
      api<Invoice>(`${base(tenantId)}/invoices/${encodeURIComponent(id)}/${action}`, { method: 'POST' }),
  );
}
