import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { path } from './path';
import type { List } from './types';

// The platform's plans catalogue, operator only (docs/platform-billing.md, "Plans"). Types mirror
// packages/server/src/billing/plans/schemas.ts.
export type PlanInterval = 'month' | 'year';
export type Enforcement = 'soft' | 'hard';

export interface PlanPrice {
  currency: string;
  interval: PlanInterval;
  unit_amount: number;
  active: boolean;
  stripe_price_id: string | null;
  created: number;
  superseded_at: number | null;
}
export interface PlanLimit {
  metric: string;
  currency: string | null;
  limit: number;
  enforcement: Enforcement;
  overage_unit_amount_decimal: string | null;
}
export interface Plan {
  id: string;
  object: 'plan';
  name: string;
  lookup_key: string;
  description: string | null;
  trial_days: number;
  free: boolean;
  public: boolean;
  is_default: boolean;
  archived: boolean;
  features: Record<string, boolean>;
  thresholds: number[];
  limits_version: number;
  prices: PlanPrice[];
  limits: PlanLimit[];
  created: number;
}

/** A plan's body: every field on create (name and lookup_key required), any on update and preview. */
export interface PlanParams {
  name?: string;
  lookup_key?: string;
  description?: string | null;
  trial_days?: number;
  prices?: { currency: string; interval: PlanInterval; unit_amount: number }[];
  limits?: {
    metric: string;
    limit: number;
    enforcement: Enforcement;
    currency?: string;
    overage_unit_amount_decimal?: string;
  }[];
  features?: Record<string, boolean>;
  thresholds?: number[];
  public?: boolean;
  is_default?: boolean;
}

export interface PlanPreview {
  object: 'plan_change_preview';
  plan: string;
  tenants_on_plan: number;
  prices: {
    currency: string;
    interval: PlanInterval;
    change: 'added' | 'changed' | 'removed' | 'unchanged';
    old_unit_amount: number | null;
    new_unit_amount: number | null;
    tenants_keeping_price: number;
  }[];
  superseded: { currency: string; interval: PlanInterval; unit_amount: number; tenants: number }[];
  limits: {
    metric: string;
    currency: string | null;
    old: Omit<PlanLimit, 'metric' | 'currency'> | null;
    new: Omit<PlanLimit, 'metric' | 'currency'> | null;
  }[];
  tenants_with_new_limits: number;
  features_added: string[];
  features_removed: string[];
  limits_version_bump: boolean;
}

export interface CurrencyRate {
  from: string;
  to: string;
  rate: string;
  updated: number;
}

const keys = {
  all: ['billing'] as const,
  plans: (archived: boolean) => ['billing', 'plans', archived] as const,
  rates: ['billing', 'currency_rates'] as const,
};

export function usePlans(archived: boolean) {
  return useQuery({
    queryKey: keys.plans(archived),
    queryFn: () => api<List<Plan>>('/v1/billing/plans', { query: { archived, limit: 100 } }),
  });
}

function useBillingMutation<P, R>(fn: (params: P) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.all }),
  });
}

export function useCreatePlan() {
  return useBillingMutation((body: PlanParams) => api<Plan>('/v1/billing/plans', { method: 'POST', body }));
}

export function useUpdatePlan() {
  return useBillingMutation(({ id, ...body }: PlanParams & { id: string }) =>
    api<Plan>(path`/v1/billing/plans/${id}`, { method: 'POST', body }),
  );
}

export function useArchivePlan() {
  return useBillingMutation((id: string) =>
    api<Plan>(path`/v1/billing/plans/${id}/archive`, { method: 'POST' }),
  );
}

/** What an update would change for the plan's tenants; saves nothing. */
export function usePreviewPlan() {
  return useMutation({
    mutationFn: ({ id, ...body }: PlanParams & { id: string }) =>
      api<PlanPreview>(path`/v1/billing/plans/${id}/preview`, { method: 'POST', body }),
  });
}

export function useCurrencyRates() {
  return useQuery({
    queryKey: keys.rates,
    queryFn: () => api<List<CurrencyRate>>('/v1/billing/currency_rates'),
  });
}

export function useSetCurrencyRates() {
  return useBillingMutation((rates: { from: string; to: string; rate: string }[]) =>
    api<List<CurrencyRate>>('/v1/billing/currency_rates', { method: 'POST', body: { rates } }),
  );
}
