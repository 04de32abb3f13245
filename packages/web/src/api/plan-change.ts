import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import * as React from 'react';
import type { TenantBilling } from './billing';
import { api, isApiError } from './client';
import { path } from './path';
import type { Plan, PlanInterval } from './plans';
import type { List, PlanRef } from './types';

// The tenant's own plan changes (docs/platform-billing.md, "Plan changes with a quote"): the plans it may
// choose, a binding quote, its acceptance, and cancel / resume at the period's end. Types mirror
// packages/server/src/billing/tenant-plan/schemas.ts. Every POST carries its Idempotency-Key (api()).

export interface QuoteLine {
  description: string | null;
  amount: number;
  currency: string;
  period: { start: number; end: number };
  proration: boolean;
}

export interface Quote {
  object: 'quote';
  id: string;
  plan: PlanRef;
  interval: PlanInterval;
  proration_date: number;
  lines: QuoteLine[];
  amount_due: number;
  currency: string;
  expires_at: number;
  /** upgrade and a longer interval apply now; downgrade and a shorter interval at the period's end */
  kind: 'upgrade' | 'downgrade' | 'new' | 'interval_change';
  effective_at: number;
}

export interface PlanChange {
  object: 'plan_change';
  quote: string;
  status: 'applied' | 'scheduled' | 'requires_action';
  /** the proration invoice's hosted page, where the tenant completes 3-D Secure */
  url: string | null;
  invoice: {
    id: string;
    amount_due: number;
    amount_paid: number;
    currency: string;
    status: string | null;
  } | null;
  billing: TenantBilling;
  entitlements: Record<string, unknown> | null;
}

const billingKey = (tenantId: string) => ['tenants', tenantId, 'billing'] as const;
const base = (tenantId: string) => path`/v1/tenants/${tenantId}/billing`;

/** The public plans the tenant may choose, with their current prices (one page: a catalogue is short). */
export function useChoosablePlans(tenantId: string) {
  return useQuery({
    queryKey: [...billingKey(tenantId), 'plans'],
    queryFn: () => api<List<Plan>>(`${base(tenantId)}/plans`, { query: { limit: 100 } }),
  });
}

export function useCreateQuote(tenantId: string) {
  return useMutation({
    mutationFn: (body: { plan: string; interval: PlanInterval; currency?: string }) =>
      api<Quote>(`${base(tenantId)}/quotes`, { method: 'POST', body }),
  });
}

/**
 * The billing answered by a change is the billing now; everything under it (entitlements, next invoice,
 * balance, history) is read again.
 */
export function useBillingChanged(tenantId: string) {
  const qc = useQueryClient();
  return React.useCallback(
    (billing: TenantBilling | null) => {
      if (billing) qc.setQueryData(billingKey(tenantId), billing);
      return qc.invalidateQueries({
        queryKey: billingKey(tenantId),
        predicate: (q) => !billing || q.queryKey.length > billingKey(tenantId).length,
      });
    },
    [qc, tenantId],
  );
}

export function useAcceptQuote(tenantId: string) {
  const changed = useBillingChanged(tenantId);
  return useMutation({
    mutationFn: (quote: string) =>
      api<PlanChange>(`${base(tenantId)}/subscription`, { method: 'POST', body: { quote } }),
    onSuccess: (r) => changed(r.billing),
    // spent elsewhere (another tab, a double submit): the plan may have changed already
    onError: (err) => (isApiError(err, 'quote_used') ? changed(null) : undefined),
  });
}

/** Cancel at the period's end, or take that (or a scheduled change) back. */
export function useCancelOrResume(tenantId: string) {
  const changed = useBillingChanged(tenantId);
  return useMutation({
    mutationFn: (action: 'cancel' | 'resume') =>
      api<TenantBilling>(`${base(tenantId)}/subscription/${action}`, { method: 'POST', body: {} }),
    onSuccess: (billing) => changed(billing),
  });
}
