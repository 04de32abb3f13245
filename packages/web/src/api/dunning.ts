import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { path } from './path';
import type { List } from './types';

export type DunningPhase = 'past_due' | 'warning' | 'suspended' | 'closed';
export interface DunningAttempt {
  object: 'dunning_attempt';
  number: number;
  /** false: an attempt outside the schedule (retry now, a card saved during dunning) */
  scheduled: boolean;
  payment_method: string;
  outcome: 'pending' | 'succeeded' | 'failed' | 'unavailable';
  decline_code: string | null;
  advice_code: string | null;
  message: string | null;
  at: number;
}
export interface DunningCase {
  object: 'dunning_case';
  id: string;
  tenant: { id: string; name: string };
  phase: DunningPhase;
  outcome: 'recovered' | 'downgraded' | 'canceled' | 'voided' | null;
  invoice: string;
  amount_owed: number;
  currency: string;
  opened_at: number;
  next_attempt_at: number | null;
  suspend_at: number;
  final_at: number | null;
  closed_at: number | null;
  attempts_made: number;
  attempts_total: number;
  attempts?: DunningAttempt[];
}

const listKey = ['billing', 'dunning'] as const;

export function useDunningCases(filters: { phase?: string; status: 'open' | 'closed' }) {
  return useQuery({
    queryKey: [...listKey, 'list', filters],
    queryFn: () =>
      api<List<DunningCase>>('/v1/billing/dunning', {
        query: { limit: 100, status: filters.status, ...(filters.phase ? { phase: filters.phase } : {}) },
      }),
  });
}

export function useDunningCase(id: string | null) {
  return useQuery({
    queryKey: [...listKey, 'case', id],
    queryFn: () => api<DunningCase>(path`/v1/billing/dunning/${id!}`),
    enabled: id !== null,
  });
}

export type DunningAction =
  | { action: 'retry' }
  | { action: 'extend'; days: number; note: string }
  | { action: 'mark_paid'; note: string };

/** Retry now, extend or mark paid: the case as the answer says, and the list read again. */
export function useDunningAction(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, ...body }: DunningAction) =>
      api<DunningCase>(`${path`/v1/billing/dunning/${id}`}/${action}`, {
        method: 'POST',
        body: action === 'retry' ? undefined : body,
      }),
    onSuccess: (c) => {
      queryClient.setQueryData([...listKey, 'case', id], c);
      void queryClient.invalidateQueries({ queryKey: [...listKey, 'list'] });
    },
  });
}
