import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { path } from './path';
import { queryKeys } from './query-keys';
import type { Invitation, List, Member, Role } from './types';

export function useMembers(tenantId: string) {
  return useQuery({
    queryKey: queryKeys.members(tenantId),
    queryFn: () => api<List<Member>>(path`/v1/tenants/${tenantId}/members`, { query: { limit: 100 } }),
  });
}

export function useUpdateMemberRole(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) =>
      api<Member>(path`/v1/tenants/${tenantId}/members/${userId}`, { method: 'POST', body: { role } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.members(tenantId) }),
  });
}

export function useRemoveMember(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      api<{ object: 'member'; user_id: string; deleted: true }>(
        path`/v1/tenants/${tenantId}/members/${userId}`,
        { method: 'DELETE' },
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.members(tenantId) }),
  });
}

/** An invitation is a single-use dashboard link for an email with a role, valid for days until used or revoked. */
export function useCreateInvitation(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (params: { email: string; name?: string; role?: Role }) =>
      api<Invitation>(path`/v1/tenants/${tenantId}/invitations`, { method: 'POST', body: params }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.members(tenantId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.invitations(tenantId) });
    },
  });
}

/** Invitations not yet used, revoked or expired. */
export function useInvitations(tenantId: string) {
  return useQuery({
    queryKey: queryKeys.invitations(tenantId),
    queryFn: () => api<{ data: Invitation[] }>(path`/v1/tenants/${tenantId}/invitations`),
  });
}

export function useRevokeInvitation(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api<unknown>(path`/v1/tenants/${tenantId}/invitations/${id}`, { method: 'DELETE' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.invitations(tenantId) }),
  });
}
