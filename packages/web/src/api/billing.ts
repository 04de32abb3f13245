import { useQuery } from '@tanstack/react-query';
import { ApiError, api } from './client';
import { path } from './path';
import type { BillingState, PlanRef } from './types';

// The tenant's plan with the platform (GET /v1/tenants/:id/billing) and its entitlements: features and
// usage per metric in the current billing period (GET /v1/tenants/:id/entitlements). Types mirror
// packages/server/src/billing/.

export interface TenantBilling {
  object: 'tenant_billing';
  tenant: string;
  plan: PlanRef | null;
  state: BillingState;
  interval: 'month' | 'year' | null;
  currency: string | null;
  current_period_start: number | null;
  current_period_end: number | null;
  trial_end: number | null;
  cancel_at_period_end: boolean;
}

export interface MetricUsage {
  /** null: the plan sets no limit on it */
  limit: number | null;
  used: number;
  remaining: number | null;
  /** of the limit, one decimal (16.8) */
  percent: number | null;
  enforcement: 'soft' | 'hard' | null;
  /** the currency of a monetary metric (minor units), else null or '' */
  currency: string | null;
  resets_at: number | null;
  /** the warnings: a percentage of the limit, the quantity it stands for, whether usage reached it */
  thresholds: { percent: number; at: number; reached: boolean }[];
  /** payment volume in currencies with no exchange rate (their minor units): not counted */
  excluded?: Record<string, number>;
}

export interface Entitlements {
  object: 'entitlements';
  tenant: string;
  plan: PlanRef | null;
  state: BillingState;
  interval: 'month' | 'year' | null;
  currency: string | null;
  period: { start: number; end: number } | null;
  features: Record<string, boolean>;
  metrics: Record<string, MetricUsage>;
  alerts: { id: string; metric: string; threshold: number; created_at: number }[];
}

const key = (tenantId: string) => ['tenants', tenantId, 'billing'] as const;

export function useTenantBilling(tenantId: string) {
  return useQuery({
    queryKey: key(tenantId),
    queryFn: () => api<TenantBilling>(path`/v1/tenants/${tenantId}/billing`),
  });
}

/** The entitlements, or null where the server has none to give (a 404: no such endpoint or no plan). */
export function useEntitlements(tenantId: string) {
  return useQuery({
    queryKey: [...key(tenantId), 'entitlements'],
    queryFn: async () => {
      try {
        return await api<Entitlements>(path`/v1/tenants/${tenantId}/entitlements`);
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
  });
}
