import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { path } from './path';
import { queryKeys } from './query-keys';
import type { List, ListParams, Tenant, TenantCreateParams, TenantUpdateParams } from './types';

export function useTenants(enabled = true) {
  return useQuery({
    queryKey: queryKeys.tenants,
    queryFn: () => api<List<Tenant>>('/v1/tenants', { query: { limit: 100 } }),
    enabled,
  });
}

/** One page of tenants, for the operator's paginated tables. */
export function useTenantPage(params: ListParams) {
  return useQuery({
    queryKey: [...queryKeys.tenants, 'page', params],
    queryFn: () => api<List<Tenant>>('/v1/tenants', { query: params }),
  });
}

export function useTenant(id: string) {
  return useQuery({
    queryKey: queryKeys.tenant(id),
    queryFn: () => api<Tenant>(path`/v1/tenants/${id}`),
  });
}

export function useCreateTenant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (params: TenantCreateParams) => api<Tenant>('/v1/tenants', { method: 'POST', body: params }),
    onSuccess: (tenant) => {
      queryClient.setQueryData(queryKeys.tenant(tenant.id), tenant);
      void queryClient.invalidateQueries({ queryKey: queryKeys.tenants, exact: true });
    },
  });
}

export function useUpdateTenant(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (params: TenantUpdateParams) =>
      api<Tenant>(path`/v1/tenants/${id}`, { method: 'POST', body: params }),
    onSuccess: (tenant) => {
      queryClient.setQueryData(queryKeys.tenant(id), tenant);
      void queryClient.invalidateQueries({ queryKey: queryKeys.tenants, exact: true });
      // Tenant names also appear in the session's memberships (the switcher).
      void queryClient.invalidateQueries({ queryKey: queryKeys.session });
    },
  });
}
