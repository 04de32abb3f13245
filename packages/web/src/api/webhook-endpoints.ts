import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { path } from './path';
import type { List, ListParams } from './types';

// The platform app's outbound webhook endpoints, operator only
// (docs/webhooks.md#outbound-tributary--your-app).
export interface WebhookEndpoint {
  id: string;
  object: 'webhook_endpoint';
  url: string;
  description: string | null;
  /** `['*']` means every event. */
  enabled_events: string[];
  status: 'enabled' | 'disabled';
  disabled_reason: string | null;
  failing_since: number | null;
  created: number;
}

/** Returned by create and rotate_secret only: the signing secret, shown once. */
export interface WebhookEndpointWithSecret extends WebhookEndpoint {
  secret: string;
}

export interface WebhookAttempt {
  id: string;
  object: 'webhook_attempt';
  attempt: number;
  response_status: number | null;
  error: string | null;
  duration_ms: number;
  created: number;
}

export interface WebhookEndpointParams {
  url: string;
  enabled_events?: string[];
  description?: string | null;
}

const keys = {
  all: ['webhook_endpoints'] as const,
  list: (params: ListParams) => ['webhook_endpoints', 'list', params] as const,
  attempts: (id: string) => ['webhook_endpoints', 'attempts', id] as const,
};

const one = (id: string) => path`/v1/webhook_endpoints/${id}`;

export function useWebhookEndpoints(params: ListParams) {
  return useQuery({
    queryKey: keys.list(params),
    queryFn: () => api<List<WebhookEndpoint>>('/v1/webhook_endpoints', { query: params }),
    placeholderData: keepPreviousData,
  });
}

export function useWebhookAttempts(id: string | null) {
  return useQuery({
    queryKey: keys.attempts(id ?? ''),
    queryFn: () => api<List<WebhookAttempt>>(`${one(id ?? '')}/attempts`, { query: { limit: 100 } }),
    enabled: id !== null,
  });
}

function useEndpointMutation<P, R>(fn: (params: P) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.all }),
  });
}

export function useCreateWebhookEndpoint() {
  return useEndpointMutation((params: WebhookEndpointParams) =>
    api<WebhookEndpointWithSecret>('/v1/webhook_endpoints', { method: 'POST', body: params }),
  );
}

export function useUpdateWebhookEndpoint() {
  return useEndpointMutation(
    ({ id, ...body }: { id: string } & Partial<WebhookEndpointParams> & { disabled?: boolean }) =>
      api<WebhookEndpoint>(one(id), { method: 'POST', body }),
  );
}

export function useDeleteWebhookEndpoint() {
  return useEndpointMutation((id: string) => api<WebhookEndpoint>(one(id), { method: 'DELETE' }));
}

export function useResendFailedDeliveries() {
  return useEndpointMutation((id: string) =>
    api<{ object: 'resend'; deliveries: number }>(`${one(id)}/resend_failed`, { method: 'POST' }),
  );
}

export function useRotateWebhookSecret() {
  return useEndpointMutation((id: string) =>
    api<WebhookEndpointWithSecret>(`${one(id)}/rotate_secret`, { method: 'POST' }),
  );
}
