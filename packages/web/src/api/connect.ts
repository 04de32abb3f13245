import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { path } from './path';
import type { List } from './types';

export type ConnectStatusName =
  | 'not_connected'
  | 'onboarding'
  | 'restricted'
  | 'enabled'
  | 'rejected'
  | 'deauthorized';
export interface Requirement {
  code: string;
  description: string;
}
export interface ConnectStatus {
  object: 'connect_status';
  tenant: string;
  status: ConnectStatusName;
  summary: string;
  account_id: string | null;
  kind: 'express' | 'standard' | null;
  source: 'created' | 'oauth' | null;
  platform_kind: 'express' | 'standard';
  oauth_available: boolean;
  charges_enabled: boolean;
  payouts_enabled: boolean;
  details_submitted: boolean;
  requirements: {
    currently_due: Requirement[];
    past_due: Requirement[];
    eventually_due: Requirement[];
    pending_verification: Requirement[];
    deadline: number | null;
    disabled_reason: string | null;
    disabled_reason_description: string | null;
  };
  connected_at: number | null;
  disconnected_at: number | null;
  last_synced_at: number | null;
  last_event_at: number | null;
}
export interface ConnectedAccount {
  object: 'connected_account';
  tenant: { id: string; name: string };
  status: ConnectStatusName;
  account_id: string | null;
  kind: 'express' | 'standard' | null;
  source: 'created' | 'oauth' | null;
  charges_enabled: boolean;
  payouts_enabled: boolean;
  currently_due: number;
  connected_at: number | null;
  last_synced_at: number | null;
  last_event_at: number | null;
}

const statusKey = (tenantId: string) => ['tenants', tenantId, 'connect'] as const;

export function useConnectStatus(tenantId: string) {
  return useQuery({
    queryKey: statusKey(tenantId),
    queryFn: () => api<ConnectStatus>(path`/v1/tenants/${tenantId}/connect/status`),
  });
}

/** Creates (or reuses) the account, then sends the browser to Stripe's hosted onboarding. */
export function useStartOnboarding(tenantId: string) {
  return useMutation({
    mutationFn: async () => {
      await api<ConnectStatus>(path`/v1/tenants/${tenantId}/connect/account`, { method: 'POST', body: {} });
      return api<{ url: string }>(path`/v1/tenants/${tenantId}/connect/onboarding_link`, {
        method: 'POST',
        body: { return_to: 'dashboard' },
      });
    },
    onSuccess: (link) => window.location.assign(link.url),
  });
}

export function useLinkExisting(tenantId: string) {
  return useMutation({
    mutationFn: () =>
      api<{ url: string }>(path`/v1/tenants/${tenantId}/connect/oauth/authorize_url`, {
        query: { return_to: 'dashboard' },
      }),
    onSuccess: (link) => window.location.assign(link.url),
  });
}

export function useLoginLink(tenantId: string) {
  return useMutation({
    mutationFn: () =>
      api<{ url: string }>(path`/v1/tenants/${tenantId}/connect/login_link`, { method: 'POST' }),
    onSuccess: (link) => window.open(link.url, '_blank', 'noopener'),
  });
}

function useStatusMutation(tenantId: string, action: 'refresh' | 'disconnect') {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      api<ConnectStatus>(`${path`/v1/tenants/${tenantId}/connect`}/${action}`, { method: 'POST' }),
    onSuccess: (status) => queryClient.setQueryData(statusKey(tenantId), status),
  });
}
export const useRefreshConnect = (tenantId: string) => useStatusMutation(tenantId, 'refresh');
export const useDisconnect = (tenantId: string) => useStatusMutation(tenantId, 'disconnect');

export function useConnectedAccounts(filters: { status?: string; kind?: string }) {
  return useQuery({
    queryKey: ['connect', 'accounts', filters],
    queryFn: () =>
      api<List<ConnectedAccount>>('/v1/connect/accounts', {
        query: {
          limit: 100,
          ...(filters.status ? { status: filters.status } : {}),
          ...(filters.kind ? { kind: filters.kind } : {}),
        },
      }),
  });
}
