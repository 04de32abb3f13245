import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from './client';
import { path } from './path';
import type { BillingState, List, PlanRef } from './types';

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
  /** a change at the period's end (a downgrade, a shorter interval), until it takes effect */
  pending_change: { plan: PlanRef; interval: 'month' | 'year' | null; effective_at: number } | null;
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
  /** where the tenant is warned: a percentage of the limit, the usage at which it is reached, and whether it is */
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
  /** in dunning's warning and suspended phases, the features the platform restricts (reported false) */
  restricted: string[];
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

/** A dashboard notice: a threshold of a limit reached (GET /v1/tenants/:id/billing/alerts). */
export interface UsageAlert {
  object: 'usage_alert';
  id: string;
  metric: string;
  threshold: number;
  limit: number;
  used: number;
  /** the currency of a monetary metric (minor units), else null */
  currency: string | null;
  period_start: number;
  limits_version: number;
  created_at: number;
  dismissed_at: number | null;
}

/** The tenant's latest notices, newest first (the first page: this period's come first). */
export function useBillingAlerts(tenantId: string | undefined) {
  return useQuery({
    queryKey: [...key(tenantId ?? ''), 'alerts'],
    queryFn: () =>
      api<List<UsageAlert>>(path`/v1/tenants/${tenantId!}/billing/alerts`, { query: { limit: 20 } }),
    enabled: tenantId !== undefined,
  });
}

export function useDismissAlert(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (alertId: string) =>
      api<UsageAlert>(path`/v1/tenants/${tenantId}/billing/alerts/${alertId}/dismiss`, { method: 'POST' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: [...key(tenantId), 'alerts'] }),
  });
}

/**
 * The notices to show now: this period's, the latest per metric, unless dismissed (dismissing the latest
 * hides the metric's notice; a later threshold brings a new one).
 */
export function currentNotices(alerts: UsageAlert[], periodStart: number | undefined): UsageAlert[] {
  if (periodStart === undefined) return [];
  const latest = new Map<string, UsageAlert>();
  for (const a of alerts)
    if (a.period_start === periodStart && !latest.has(a.metric)) latest.set(a.metric, a);
  return [...latest.values()].filter((a) => a.dismissed_at === null);
}
