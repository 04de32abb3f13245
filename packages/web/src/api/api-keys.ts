import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { path } from './path';
import { queryKeys } from './query-keys';
import type { ApiKey, ApiKeyCreateParams, ApiKeyWithSecret, List } from './types';

/** `null` means the platform's own keys (operator only). */
function basePath(tenantId: string | null): string {
  return tenantId ? path`/v1/tenants/${tenantId}/api_keys` : '/v1/api_keys';
}

export function useApiKeys(tenantId: string | null) {
  return useQuery({
    queryKey: queryKeys.apiKeys(tenantId),
    queryFn: () => api<List<ApiKey>>(basePath(tenantId), { query: { limit: 100 } }),
  });
}

export function useApiKeyScopes(enabled = true) {
  return useQuery({
    queryKey: queryKeys.apiKeyScopes,
    queryFn: () => api<{ object: 'list'; data: string[] }>('/v1/api_key_scopes'),
    staleTime: Number.POSITIVE_INFINITY,
    enabled,
  });
}

export function useCreateApiKey(tenantId: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (params: ApiKeyCreateParams) =>
      api<ApiKeyWithSecret>(basePath(tenantId), { method: 'POST', body: params }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys(tenantId) }),
  });
}

export function useRevokeApiKey(tenantId: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) =>
      api<ApiKey>(`${basePath(tenantId)}/${encodeURIComponent(keyId)}`, { method: 'DELETE' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys(tenantId) }),
  });
}
