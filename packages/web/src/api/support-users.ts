import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { path } from './path';
import type { List } from './types';

/** An operator's support user (issue 23): reads every tenant's customers and their money, changes nothing. */
export interface SupportUser {
  object: 'support_user';
  id: string;
  email: string;
  name: string | null;
  status: 'invited' | 'active' | 'revoked';
  invitation_expires_at: number | null;
  created: number;
}

const key = ['support_users'] as const;

export function useSupportUsers() {
  return useQuery({
    queryKey: key,
    queryFn: () => api<List<SupportUser>>('/v1/support_users', { query: { limit: 100 } }),
  });
}

/** The invitation's link to set a password is in `url`, in this answer only. */
export function useInviteSupportUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (params: { email: string; name?: string }) =>
      api<SupportUser & { url: string | null }>('/v1/support_users', { method: 'POST', body: params }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

export function useRevokeSupportUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<SupportUser>(path`/v1/support_users/${id}`, { method: 'DELETE' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}
