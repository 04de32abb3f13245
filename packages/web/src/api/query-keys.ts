import type { ListParams } from './types';

/** Query keys, one factory so invalidation stays consistent. */
export const queryKeys = {
  session: ['session'] as const,
  setup: ['setup'] as const,
  tenants: ['tenants'] as const,
  tenant: (id: string) => ['tenants', id] as const,
  members: (tenantId: string) => ['tenants', tenantId, 'members'] as const,
  invitations: (tenantId: string) => ['tenants', tenantId, 'invitations'] as const,
  apiKeys: (tenantId: string | null) => ['api_keys', tenantId ?? 'platform'] as const,
  apiKeyScopes: ['api_key_scopes'] as const,
  auditLog: (tenantId: string, params?: ListParams) =>
    params
      ? (['tenants', tenantId, 'audit_log', params] as const)
      : (['tenants', tenantId, 'audit_log'] as const),
};
