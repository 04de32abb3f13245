import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { path } from './path';
import type { List, ListParams } from './types';

// Stripe events stored by the webhook pipeline (docs/webhooks.md#events-api). Statuses are the server's
// `stripeEventStatuses`.
export const eventStatuses = ['pending', 'processed', 'failed', 'dead', 'ignored'] as const;
export type EventStatus = (typeof eventStatuses)[number];

export interface StripeEvent {
  id: string;
  object: 'stripe_event';
  type: string;
  /** The connected account (`acct_…`), null for platform events. */
  account: string | null;
  /** The tenant owning `account` (`ten_…`), null for platform events and unknown accounts. */
  tenant: string | null;
  source: string;
  kind: string;
  unknown_account: boolean;
  livemode: boolean;
  created: number;
  api_version: string | null;
  received_at: number;
  status: EventStatus;
  /** Processing attempts so far (since the last replay). */
  attempts: number;
  last_error: string | null;
  processed_at: number | null;
  /** Only on GET /v1/events/:id, GET /v1/tenants/:id/events/:event_id and replay. */
  payload?: Record<string, unknown>;
  /**
   * Detail routes: how `payload` relates to the body Stripe signed. `sanitized`: a NUL or an unpaired
   * surrogate Postgres cannot hold is written out; `summary`: nested too deep to store, only the event's own
   * fields and its object's id and type are kept (the object is refetched). The exact body is kept for both.
   */
  payload_form?: 'delivered' | 'sanitized' | 'summary';
  raw_body_size?: number | null;
  /** Each processing attempt, oldest first (the detail routes only). */
  attempt_history?: EventAttempt[];
}

export interface EventAttempt {
  attempt: number;
  outcome: EventStatus;
  error: string | null;
  started_at: number;
  duration_ms: number;
}

export interface EventStats {
  object: 'stripe_event_stats';
  pending: number;
  processed: number;
  failed: number;
  dead: number;
  ignored: number;
}

export interface EventFilters {
  /** Exact type, or a prefix ending in `*` (`payment_intent.*`). */
  type?: string;
  status?: EventStatus;
  tenant?: string;
  /** Unix seconds, inclusive (the server compares them to the event's receipt time). */
  since?: number;
  until?: number;
}

const eventKeys = {
  all: ['stripe_events'] as const,
  list: (scope: string, filters: EventFilters, params: ListParams) =>
    ['stripe_events', 'list', scope, filters, params] as const,
  one: (id: string) => ['stripe_events', 'one', id] as const,
  tenantOne: (tenantId: string, id: string) => ['stripe_events', 'one', tenantId, id] as const,
  stats: ['stripe_events', 'stats'] as const,
};

function filterQuery(filters: EventFilters, params: ListParams) {
  return {
    ...params,
    type: filters.type,
    status: filters.status,
    tenant: filters.tenant,
    'created[gte]': filters.since,
    'created[lte]': filters.until,
  };
}

/** Operator: every tenant's events. */
export function useEvents(filters: EventFilters, params: ListParams) {
  return useQuery({
    queryKey: eventKeys.list('platform', filters, params),
    queryFn: () => api<List<StripeEvent>>('/v1/events', { query: filterQuery(filters, params) }),
    placeholderData: keepPreviousData,
  });
}

/** A tenant's own events (read-only; no payload). */
export function useTenantEvents(tenantId: string, filters: Omit<EventFilters, 'tenant'>, params: ListParams) {
  return useQuery({
    queryKey: eventKeys.list(tenantId, filters, params),
    queryFn: () =>
      api<List<StripeEvent>>(path`/v1/tenants/${tenantId}/events`, {
        query: filterQuery({ ...filters, tenant: undefined }, params),
      }),
    placeholderData: keepPreviousData,
  });
}

/** Operator: one event with its payload. */
export function useEvent(id: string | null) {
  return useQuery({
    queryKey: eventKeys.one(id ?? ''),
    queryFn: () => api<StripeEvent>(path`/v1/events/${id ?? ''}`),
    enabled: id !== null,
  });
}

/** A tenant's own event with its payload. */
export function useTenantEvent(tenantId: string, id: string | null) {
  return useQuery({
    queryKey: eventKeys.tenantOne(tenantId, id ?? ''),
    queryFn: () => api<StripeEvent>(path`/v1/tenants/${tenantId}/events/${id ?? ''}`),
    enabled: id !== null,
  });
}

/** Operator: counts by status (the dead-letter count). */
export function useEventStats(enabled = true) {
  return useQuery({
    queryKey: eventKeys.stats,
    queryFn: () => api<EventStats>('/v1/events/stats'),
    enabled,
  });
}

/** Operator: puts the event back to pending and enqueues its processing. */
export function useReplayEvent() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<StripeEvent>(path`/v1/events/${id}/replay`, { method: 'POST' }),
    onSuccess: (event) => {
      queryClient.setQueryData(eventKeys.one(event.id), event);
      void queryClient.invalidateQueries({ queryKey: eventKeys.all });
    },
  });
}
