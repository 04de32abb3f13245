import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { path } from './path';

// The platform's application fee (operator only to change). Types mirror packages/server/src/fees/schemas.ts.
export interface FeeScheduleValues {
  /** basis points of the amount: 250 = 2.50 % */
  percent_bps: number;
  /** per currency (lowercase ISO code → minor units) */
  fixed: Record<string, number>;
  min: Record<string, number>;
  max: Record<string, number>;
  /** Express-like accounts: Stripe's fee is added to the application fee */
  pass_through_stripe_fee: boolean;
}
/** A tenant's override: each field `null` inherits the platform default. */
export type FeeOverride = { [K in keyof FeeScheduleValues]: FeeScheduleValues[K] | null };
export interface StripePricing {
  percent_bps: number;
  fixed: Record<string, number>;
}
export interface PlatformFeeSchedule extends FeeScheduleValues {
  object: 'platform_fee_schedule';
  stripe_pricing: StripePricing;
}
/** The schedule in force for one tenant (its override merged over the default). */
export interface TenantFeeSchedule extends FeeScheduleValues {
  object: 'fee_schedule';
  tenant: string;
  override: FeeOverride | null;
  stripe_pricing: StripePricing;
  updated_at: number | null;
}
export interface FeeBreakdown {
  platform_fee: number;
  application_fee: number;
  stripe_fee: number;
  stripe_fee_payer: 'platform' | 'account';
  tenant_net: number;
  platform_net: number;
}
export interface FeePreview {
  object: 'fee_preview';
  tenant: string;
  amount: number;
  currency: string;
  schedule: FeeScheduleValues;
  standard: FeeBreakdown;
  express: FeeBreakdown;
}

export const noOverride: FeeOverride = {
  percent_bps: null,
  fixed: null,
  min: null,
  max: null,
  pass_through_stripe_fee: null,
};

const keys = {
  platform: ['fee_schedule'] as const,
  tenant: (tenantId: string) => ['tenants', tenantId, 'fee_schedule'] as const,
};

export function usePlatformFeeSchedule() {
  return useQuery({
    queryKey: keys.platform,
    queryFn: () => api<PlatformFeeSchedule>('/v1/fee_schedule'),
  });
}

/** Each listed tenant's schedule: one GET per tenant, for the page of tenants shown. */
export function useTenantFeeSchedules(tenantIds: string[]) {
  return useQueries({
    queries: tenantIds.map((id) => ({
      queryKey: keys.tenant(id),
      queryFn: () => api<TenantFeeSchedule>(path`/v1/tenants/${id}/fee_schedule`),
    })),
  });
}

export function useSetFeeOverride(tenantId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<FeeOverride>) =>
      api<TenantFeeSchedule>(path`/v1/tenants/${tenantId}/fee_schedule`, { method: 'POST', body }),
    onSuccess: (schedule) => {
      qc.setQueryData(keys.tenant(tenantId), schedule);
      // the worked example follows the new schedule
      return qc.invalidateQueries({ queryKey: [...keys.tenant(tenantId), 'preview'] });
    },
  });
}

/** The server's own fee computation for one payment (so the page's example cannot drift from the charges). */
export function useFeePreview(tenantId: string | null, amount: number | null, currency: string) {
  return useQuery({
    queryKey: [...keys.tenant(tenantId ?? ''), 'preview', amount, currency],
    queryFn: () =>
      api<FeePreview>(path`/v1/tenants/${tenantId!}/fee_schedule/preview`, {
        query: { amount: amount!, currency },
      }),
    enabled: tenantId !== null && amount !== null,
    placeholderData: keepPreviousData,
  });
}

export function hasOverride(o: FeeOverride | null): boolean {
  return o !== null && Object.values(o).some((v) => v !== null);
}

/** 250 → "2.50 %". */
export function formatPercent(bps: number): string {
  return `${(bps / 100).toFixed(2)} %`;
}
