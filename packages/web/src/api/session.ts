import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, setCsrfToken } from './client';
import { queryKeys } from './query-keys';
import type { Role, Session } from './types';

async function fetchSession(): Promise<Session | null> {
  try {
    const session = await api<Session>('/v1/auth/session');
    setCsrfToken(session.csrf_token);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export const sessionQueryOptions = queryOptions({
  queryKey: queryKeys.session,
  queryFn: fetchSession,
  staleTime: 5 * 60_000,
  retry: false,
});

export function useSession() {
  return useQuery(sessionQueryOptions);
}

/**
 * The caller's effective role in a tenant; the operator manages every tenant, and its support users read
 * every tenant as the support role.
 */
function roleIn(session: Session | null | undefined, tenantId: string): Role | null {
  if (!session) return null;
  const membership = session.memberships.find((m) => m.tenant.id === tenantId);
  if (membership) return membership.role;
  if (session.user.is_operator) return 'owner';
  return isSupportOperator(session) ? 'support' : null;
}

/** An operator's support user: picks any tenant like the operator, reads it as the support role. */
export function isSupportOperator(session: Session | null | undefined): boolean {
  return session?.user.operator_role === 'support';
}

export function canManage(role: Role | null): boolean {
  return role === 'owner' || role === 'admin';
}

export function useSetupStatus() {
  return useQuery({
    queryKey: queryKeys.setup,
    queryFn: () => api<{ needs_setup: boolean }>('/v1/setup'),
    retry: false,
  });
}

function useSessionMutation<P>(path: string) {
  const queryClient = useQueryClient();
  return useMutation({
    // The sign-in routes set the cookie and may answer with only `{ object: 'session', created: true }`,
    // so the session (user, memberships, CSRF token) is always read back from GET /v1/auth/session.
    mutationFn: async (params: P): Promise<Session> => {
      setCsrfToken(null);
      await api<unknown>(path, { method: 'POST', body: params });
      const session = await fetchSession();
      if (!session) throw new Error('Signed in, but the session cookie was not kept. Are cookies blocked?');
      return session;
    },
    onSuccess: (session) => {
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
      queryClient.setQueryData(queryKeys.session, session);
    },
  });
}

/** The support user's invitation page: set the password, and be signed in. */
export function useAcceptSupportInvitation() {
  return useSessionMutation<{ token: string; password: string; name?: string }>(
    '/v1/auth/support_invitation',
  );
}

export function useLogin() {
  return useSessionMutation<{ email: string; password: string }>('/v1/auth/login');
}

export function useSetup() {
  return useSessionMutation<{ token: string; email: string; password: string; name: string }>(
    '/v1/auth/setup',
  );
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<{ object: 'session'; deleted: true }>('/v1/auth/logout', { method: 'POST' }),
    onSettled: () => {
      setCsrfToken(null);
      queryClient.clear();
      queryClient.setQueryData(queryKeys.session, null);
    },
  });
}

export function useTenantRole(tenantId: string): Role | null {
  const { data } = useSession();
  return roleIn(data, tenantId);
}
