import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from './client';
import { path } from './path';
import { queryKeys } from './query-keys';
import type { AuditEntry, List, ListParams } from './types';

export function useAuditLog(tenantId: string, params: ListParams) {
  return useQuery({
    queryKey: queryKeys.auditLog(tenantId, params),
    queryFn: () => api<List<AuditEntry>>(path`/v1/tenants/${tenantId}/audit_log`, { query: params }),
    placeholderData: keepPreviousData,
  });
}
