import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { path } from './keys';
import type { List } from './types';

// Tenant invoices and subscriptions (issue 8). Types mirror packages/server/src/invoices/schemas.ts and
// packages/server/src/subscriptions/schemas.ts.
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
  customer_email?: string | null;
  due_date?: number | null;
  notes?: string | null;
  external_reference?: string | null;
}

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
const keys = {
  invoices: (tenantId: string) => ['tenants', tenantId, 'invoices'] as const,
  subscriptions: (tenantId: string) => ['tenants', tenantId, 'subscriptions'] as const,
};
type Params = Record<string, string | number | undefined>;

export function useInvoices(tenantId: string, params: Params) {
  return useQuery({
    queryKey: [...keys.invoices(tenantId), 'list', params],
    queryFn: () => api<List<Invoice>>(`${base(tenantId)}/invoices`, { query: params }),
  });
}

export function useInvoice(tenantId: string, invoiceId: string | null) {
  return useQuery({
    queryKey: [...keys.invoices(tenantId), 'detail', invoiceId],
    queryFn: () => api<Invoice>(`${base(tenantId)}/invoices/${encodeURIComponent(invoiceId!)}`),
    enabled: invoiceId !== null,
  });
}

function useInvoiceMutation<V>(tenantId: string, fn: (v: V) => Promise<Invoice>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.invoices(tenantId) }),
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

export function useSubscriptions(tenantId: string, params: Params) {
  return useQuery({
    queryKey: [...keys.subscriptions(tenantId), 'list', params],
    queryFn: () => api<List<Subscription>>(`${base(tenantId)}/subscriptions`, { query: params }),
  });
}

export function useSubscription(tenantId: string, id: string | null) {
  return useQuery({
    queryKey: [...keys.subscriptions(tenantId), 'detail', id],
    queryFn: () => api<Subscription>(`${base(tenantId)}/subscriptions/${encodeURIComponent(id!)}`),
    enabled: id !== null,
  });
}

export function usePrices(tenantId: string) {
  return useQuery({
    queryKey: [...keys.subscriptions(tenantId), 'prices'],
    queryFn: () => api<List<Price>>(`${base(tenantId)}/prices`, { query: { limit: 100 } }),
  });
}

export function useProducts(tenantId: string) {
  return useQuery({
    queryKey: [...keys.subscriptions(tenantId), 'products'],
    queryFn: () => api<List<Product>>(`${base(tenantId)}/products`, { query: { limit: 100 } }),
  });
}

function useSubscriptionMutation<V, R>(tenantId: string, fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.subscriptions(tenantId) }),
  });
}

/** A product with one recurring price, as the dashboard offers it. */
export function useCreatePlan(tenantId: string) {
  return useSubscriptionMutation(
    tenantId,
    async (v: { name: string; unit_amount: number; currency: string; interval: string }) => {
      const product = await api<Product>(`${base(tenantId)}/products`, {
        method: 'POST',
        body: { name: v.name },
      });
      return api<Price>(`${base(tenantId)}/prices`, {
        method: 'POST',
        body: { product: product.id, unit_amount: v.unit_amount, currency: v.currency, interval: v.interval },
      });
    },
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

/** Minor units → "$12.34" in the currency. */
export function money(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  const fmt = new Intl.NumberFormat(undefined, { style: 'currency', currency: code });
  const digits = fmt.resolvedOptions().maximumFractionDigits ?? 2;
  return fmt.format(amount / 10 ** digits);
}

/** "12.34" (major units, as typed) → 1234 minor units; NaN when it is not an amount. */
export function toMinor(major: string): number {
  const m = /^\s*(\d+)(?:[.,](\d{1,2}))?\s*$/.exec(major);
  if (!m) return Number.NaN;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
