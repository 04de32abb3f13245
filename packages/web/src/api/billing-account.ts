import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { path } from './path';
import type { BillingState, List, ListParams } from './types';

// The tenant's billing account with the platform (docs/platform-billing.md, "Billing account"): the payment
// methods the plan is charged to, the billing contact on its invoices, the plan invoices, the next invoice and
// the balance. Types mirror packages/server/src/billing/account/schemas.ts. Money: minor units + currency.

export interface BillingPaymentMethod {
  object: 'billing_payment_method';
  id: string;
  type: 'card' | 'us_bank_account' | 'other';
  brand: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
  bank_name: string | null;
  is_default: boolean;
  created: number;
}

export interface BillingSetupPage {
  object: 'billing_setup_page';
  id: string;
  url: string;
  expires_at: number;
}

/** What a saved method's immediate attempt on a dunning case's invoices came to; null when nothing was owed. */
export interface SetupAttempt {
  status: 'paid' | 'declined' | 'processing';
  decline_code: string | null;
  /** a decline in words ("the card has insufficient funds") */
  message: string | null;
}

/** Back from Stripe's page: the method it saved, and in dunning the attempt it made at once. */
export interface PaymentMethodConfirmation<M = BillingPaymentMethod> {
  object: 'billing_payment_method_confirmation';
  payment_method: M;
  attempt: SetupAttempt | null;
  state: BillingState;
}

export interface BillingAddress {
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
}

export interface BillingContact {
  object: 'billing_contact';
  email: string | null;
  name: string | null;
  address: BillingAddress | null;
}

export interface BillingContactUpdate {
  email: string;
  name: string;
  address: {
    line1: string;
    line2?: string | null;
    city: string;
    state?: string | null;
    postal_code: string;
    country: string;
  } | null;
}

export interface BillingPeriod {
  start: number;
  end: number;
}

export interface BillingInvoiceLine {
  id: string;
  description: string | null;
  amount: number;
  currency: string;
  quantity: number | null;
  period: BillingPeriod | null;
  proration: boolean;
}

export interface BillingInvoice {
  object: 'billing_invoice';
  id: string;
  number: string | null;
  status: string;
  currency: string;
  subtotal: number;
  total: number;
  amount_due: number;
  amount_paid: number;
  amount_remaining: number;
  total_tax: number | null;
  taxes: {
    amount: number;
    taxable_amount: number | null;
    tax_behavior: string | null;
    tax_rate: string | null;
  }[];
  created: number;
  period: BillingPeriod | null;
  lines: BillingInvoiceLine[];
  hosted_invoice_url: string | null;
  invoice_pdf: string | null;
  subscription: string | null;
}

export interface BillingUpcomingInvoice {
  object: 'billing_upcoming_invoice';
  currency: string;
  subtotal: number;
  total: number;
  amount_due: number;
  /** when Stripe will charge it */
  date: number | null;
  period: BillingPeriod | null;
  lines: BillingInvoiceLine[];
}

export interface BillingBalance {
  object: 'billing_balance';
  /** Stripe's: negative is a credit */
  balance: number;
  /** the credit the next invoices use first, positive */
  credit: number;
  /** what the next invoice adds */
  amount_owed: number;
  currency: string | null;
}

const accountKey = (tenantId: string) => ['tenants', tenantId, 'billing', 'account'] as const;
const base = (tenantId: string) => path`/v1/tenants/${tenantId}/billing`;

/**
 * The saved methods, the default first. `pollUntil` (epoch ms) reads them again every two seconds until then:
 * a method saved on Stripe's page arrives by webhook, and becomes the default a moment after.
 */
export function useBillingPaymentMethods(tenantId: string, opts: { pollUntil?: number } = {}) {
  return useQuery({
    queryKey: [...accountKey(tenantId), 'payment_methods'],
    queryFn: () => api<List<BillingPaymentMethod>>(`${base(tenantId)}/payment_methods`),
    refetchInterval: () => (opts.pollUntil && Date.now() < opts.pollUntil ? 2000 : false),
  });
}

/** Stripe's hosted page that saves a card or bank account on the tenant's billing customer. */
export function useBillingSetupPage(tenantId: string) {
  return useMutation({
    mutationFn: () =>
      api<BillingSetupPage>(`${base(tenantId)}/payment_methods/setup`, { method: 'POST', body: {} }),
  });
}

/**
 * Confirms the setup page the tenant came back from (`checkout_session`): in dunning, the saved method pays
 * what is owed in this request. A 202 (`attempt.status: 'processing'`) is asked again for its outcome.
 */
export function useConfirmBillingSetup(tenantId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (checkoutSession: string) =>
      api<PaymentMethodConfirmation>(`${base(tenantId)}/payment_methods/confirm`, {
        method: 'POST',
        body: { checkout_session: checkoutSession },
      }),
    // the methods (a new default), the plan's state and the banner's amount
    onSettled: () => qc.invalidateQueries({ queryKey: ['tenants', tenantId] }),
  });
}

/** Make a method the default, or remove it (owners and admins). */
export function useBillingMethodAction(tenantId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'default' | 'remove' }) => {
      const at = `${base(tenantId)}/payment_methods/${encodeURIComponent(id)}`;
      return action === 'default'
        ? api<BillingPaymentMethod>(`${at}/default`, { method: 'POST' })
        : api<BillingPaymentMethod>(at, { method: 'DELETE' });
    },
    onSettled: () => qc.invalidateQueries({ queryKey: [...accountKey(tenantId), 'payment_methods'] }),
  });
}

export function useBillingContact(tenantId: string) {
  return useQuery({
    queryKey: [...accountKey(tenantId), 'contact'],
    queryFn: () => api<BillingContact>(`${base(tenantId)}/contact`),
  });
}

export function useUpdateBillingContact(tenantId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: BillingContactUpdate) =>
      api<BillingContact>(`${base(tenantId)}/contact`, { method: 'POST', body }),
    onSuccess: (contact) => qc.setQueryData([...accountKey(tenantId), 'contact'], contact),
  });
}

/** The plan invoices, newest first, a page at a time. */
export function useBillingInvoices(tenantId: string, params: ListParams) {
  return useQuery({
    queryKey: [...accountKey(tenantId), 'invoices', params],
    queryFn: () => api<List<BillingInvoice>>(`${base(tenantId)}/invoices`, { query: params }),
    placeholderData: keepPreviousData,
  });
}

/** Reads the latest invoices from Stripe into the history, then the history again. */
export function useRefreshBillingInvoices(tenantId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () =>
      api<{ object: 'billing_invoices_refresh'; read: number }>(`${base(tenantId)}/invoices/refresh`, {
        method: 'POST',
        body: {},
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: [...accountKey(tenantId), 'invoices'] }),
  });
}

export function useUpcomingInvoice(tenantId: string) {
  return useQuery({
    queryKey: [...accountKey(tenantId), 'upcoming_invoice'],
    queryFn: () =>
      api<{ upcoming_invoice: BillingUpcomingInvoice | null }>(`${base(tenantId)}/upcoming_invoice`),
  });
}

export function useBillingBalance(tenantId: string) {
  return useQuery({
    queryKey: [...accountKey(tenantId), 'balance'],
    queryFn: () => api<BillingBalance>(`${base(tenantId)}/balance`),
  });
}

/** "Visa •••• 4242", "Stripe Test Bank •••• 6789". */
export function methodLabel(m: BillingPaymentMethod): string {
  const name =
    m.type === 'card'
      ? (m.brand ?? 'Card').replace(/^./, (c) => c.toUpperCase())
      : m.type === 'us_bank_account'
        ? (m.bank_name ?? 'Bank account')
        : 'Payment method';
  return m.last4 ? `${name} •••• ${m.last4}` : name;
}
