import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { path } from './path';
import type { List, ListParams } from './types';

// The e-mail outbox (docs/notifications.md): every e-mail as rendered and sent.
export type NotificationStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'suppressed';

export interface Notification {
  id: string;
  object: 'notification';
  tenant: string;
  template: string;
  recipients: string[];
  locale: string;
  status: NotificationStatus;
  suppressed_reason: 'platform_sends' | 'turned_off' | 'no_recipients' | null;
  subject: string;
  text: string;
  html: string;
  message_id: string;
  provider_message_id: string | null;
  attempts: number;
  resend_count: number;
  resent_at: number | null;
  last_error: string | null;
  dedup_key: string;
  /** the headers as sent (`date` is null before the first send) */
  headers: {
    from: string;
    to: string[];
    reply_to: string | null;
    subject: string;
    message_id: string;
    date: string | null;
    other: Record<string, string>;
  };
  created: number;
  updated: number;
  sent_at: number | null;
}

export interface NotificationStatusInfo {
  object: 'notification_status';
  transport: 'smtp' | 'mailbox';
  owner_alerts_sender: 'tributary' | 'platform';
  billing_address_bounces: boolean;
  bounce: { notification: string; recipients: string[]; error: string; bounced_at: number } | null;
  customer_bounces: number;
}

const keys = {
  all: ['notifications'] as const,
  list: (scope: string, params: ListParams) => ['notifications', 'list', scope, params] as const,
  status: (tenantId: string) => ['notifications', 'status', tenantId] as const,
};

/** A tenant's e-mails, or (tenantId null) every tenant's: the operator's mailbox. */
export function useNotifications(tenantId: string | null, params: ListParams) {
  return useQuery({
    queryKey: keys.list(tenantId ?? 'platform', params),
    queryFn: () =>
      api<List<Notification>>(tenantId ? path`/v1/tenants/${tenantId}/notifications` : '/v1/notifications', {
        query: params,
      }),
    placeholderData: keepPreviousData,
    // an e-mail on its way (a resend included) settles within seconds: follow it until it does
    refetchInterval: (query) =>
      query.state.data?.data.some((n) => n.status === 'pending' || n.status === 'sending') ? 1000 : false,
  });
}

export function useNotificationStatus(tenantId: string | undefined) {
  return useQuery({
    queryKey: keys.status(tenantId ?? ''),
    queryFn: () => api<NotificationStatusInfo>(path`/v1/tenants/${tenantId ?? ''}/notification_status`),
    enabled: Boolean(tenantId),
  });
}

/** Owners and admins: the same e-mail (content and Message-ID) once more. */
export function useResendNotification() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (n: Pick<Notification, 'id' | 'tenant'>) =>
      api<Notification>(path`/v1/tenants/${n.tenant}/notifications/${n.id}/resend`, { method: 'POST' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.all }),
  });
}
