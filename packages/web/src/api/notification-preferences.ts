import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { path } from './path';

export interface CustomerEmailPreferences {
  object: 'notification_preferences';
  customer_emails: Record<string, boolean>;
}

export interface MemberAlertPreferences {
  object: 'member_notification_preferences';
  owner_alerts: Record<string, boolean>;
  critical: string[];
}

const keys = {
  customer: (tenantId: string) => ['tenants', tenantId, 'notification_preferences'] as const,
  mine: (tenantId: string) => ['tenants', tenantId, 'members', 'me', 'notification_preferences'] as const,
};

export function useCustomerEmailPreferences(tenantId: string) {
  return useQuery({
    queryKey: keys.customer(tenantId),
    queryFn: () => api<CustomerEmailPreferences>(path`/v1/tenants/${tenantId}/notification_preferences`),
  });
}

export function useUpdateCustomerEmailPreferences(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (customer_emails: Record<string, boolean>) =>
      api<CustomerEmailPreferences>(path`/v1/tenants/${tenantId}/notification_preferences`, {
        method: 'POST',
        body: { customer_emails },
      }),
    onSuccess: (prefs) => queryClient.setQueryData(keys.customer(tenantId), prefs),
  });
}

export function useMyAlertPreferences(tenantId: string) {
  return useQuery({
    queryKey: keys.mine(tenantId),
    queryFn: () =>
      api<MemberAlertPreferences>(path`/v1/tenants/${tenantId}/members/me/notification_preferences`),
  });
}

export function useUpdateMyAlertPreferences(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (owner_alerts: Record<string, boolean>) =>
      api<MemberAlertPreferences>(path`/v1/tenants/${tenantId}/members/me/notification_preferences`, {
        method: 'POST',
        body: { owner_alerts },
      }),
    onSuccess: (prefs) => queryClient.setQueryData(keys.mine(tenantId), prefs),
  });
}
