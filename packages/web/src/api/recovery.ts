import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { PaymentMethodConfirmation } from './billing-account';
import { api } from './client';
import { path } from './path';
import type { BillingState } from './types';

// The recovery page's API (packages/server/src/billing/recovery/): what a tenant's dunning case owes, paid
// through the page's signed link (`Authorization: Bearer rcv_…`, no session), and the dashboard's banner: what
// is owed, and a link to the page for a member who may pay.

export interface RecoveryInvoice {
  object: 'billing_recovery_invoice';
  id: string;
  number: string | null;
  status: string;
  currency: string;
  amount_due: number;
  amount_remaining: number;
  created: number;
}

export interface RecoveryCard {
  object: 'billing_payment_method';
  id: string;
  type: 'card' | 'us_bank_account' | 'other';
  brand: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
  is_default: boolean;
}

export interface RecoverySummary {
  object: 'billing_recovery';
  tenant: { id: string; name: string };
  state: BillingState;
  amount_owed: number;
  currency: string | null;
  invoices: RecoveryInvoice[];
  payment_methods: RecoveryCard[];
  expires_at: number;
}

export interface RecoveryPayment {
  object: 'billing_recovery_payment';
  status: 'paid' | 'requires_action';
  state: BillingState;
  invoice: RecoveryInvoice;
  url: string | null;
}

/** For the banner, to every member: what the tenant's dunning case still owes. */
export interface RecoveryStatus {
  object: 'billing_recovery_status';
  state: BillingState;
  amount_owed: number;
  currency: string | null;
}

/** A fresh recovery link (`billing:write`: owners and admins). */
export interface RecoveryLink {
  object: 'billing_recovery_link';
  url: string | null;
  expires_at: number;
}

export type RecoveryConfirmation = PaymentMethodConfirmation<RecoveryCard>;

export const IN_DUNNING: readonly BillingState[] = ['past_due', 'warning', 'suspended'];

const auth = (token: string) => `Bearer ${token}`;
const summaryKey = (token: string) => ['recovery', token] as const;

export function useRecoverySummary(token: string) {
  return useQuery({
    queryKey: summaryKey(token),
    queryFn: () => api<RecoverySummary>('/v1/recovery', { authorization: auth(token) }),
    retry: false,
  });
}

export function usePayRecovery(token: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { invoice: string; payment_method: string }) =>
      api<RecoveryPayment>('/v1/recovery/pay', { method: 'POST', body: input, authorization: auth(token) }),
    onSettled: () => client.invalidateQueries({ queryKey: summaryKey(token) }),
  });
}

export function useRecoveryCardPage(token: string) {
  return useMutation({
    mutationFn: () =>
      api<{ url: string }>('/v1/recovery/payment_methods/setup', {
        method: 'POST',
        authorization: auth(token),
      }),
  });
}

/** Back from Stripe's page: the new card, and the attempt it made at once on what is owed. */
export function useConfirmRecoveryCard(token: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (checkoutSession: string) =>
      api<RecoveryConfirmation>('/v1/recovery/payment_methods/confirm', {
        method: 'POST',
        body: { checkout_session: checkoutSession },
        authorization: auth(token),
      }),
    onSettled: () => client.invalidateQueries({ queryKey: summaryKey(token) }),
  });
}

/** For the dashboard's banner: what the tenant owes while in dunning. */
export function useRecoveryStatus(tenantId: string) {
  return useQuery({
    queryKey: ['tenants', tenantId, 'billing', 'recovery'] as const,
    queryFn: () => api<RecoveryStatus>(path`/v1/tenants/${tenantId}/billing/recovery`),
  });
}

/** A fresh link to the recovery page, for a member who may pay. */
export function useRecoveryLink(tenantId: string) {
  return useMutation({
    mutationFn: () =>
      api<RecoveryLink>(path`/v1/tenants/${tenantId}/billing/recovery/link`, { method: 'POST' }),
  });
}
