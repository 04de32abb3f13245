import { Mail } from 'lucide-react';
import * as React from 'react';
import { useNotificationStatus, useNotifications } from '@/api/notifications';
import { useCursorPagination } from '@/api/pagination';
import { canManage, useTenantRole } from '@/api/session';
import { PageHeader } from '@/components/page-header';
import { Pager } from '@/components/pager';
import { Card } from '@/components/ui/card';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui/states';
import { cn, formatTimestamp } from '@/lib/utils';
import { MessageView } from './message-view';
import { NotificationStatusBadge } from './status-badge';

/** "Mailbox" when no SMTP server is set (e-mails are only kept here), "E-mails" when they go out. */
export function mailboxLabel(transport: 'smtp' | 'mailbox' | undefined): string {
  return transport === 'smtp' ? 'E-mails' : 'Mailbox';
}

function MailboxView({
  tenantId,
  showTenant,
  canResend,
}: {
  tenantId: string | null;
  showTenant: boolean;
  canResend: boolean;
}) {
  const pagination = useCursorPagination(25);
  const list = useNotifications(tenantId, pagination.params);
  const messages = list.data?.data ?? [];
  const [openId, setOpenId] = React.useState<string | null>(null);
  const open = messages.find((m) => m.id === openId) ?? messages[0] ?? null;

  if (list.isPending) return <LoadingBlock label="Loading e-mails" />;
  if (list.error) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  if (messages.length === 0 && !pagination.hasPrevious)
    return (
      <Card>
        <EmptyState
          icon={<Mail />}
          title="No e-mails yet"
          description="Alerts such as a dispute opened appear here as they are sent."
        />
      </Card>
    );
  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(16rem,22rem)_1fr]">
      <Card className="min-w-0 self-start">
        <ul data-testid="mail-list" aria-busy={list.isFetching} className="divide-y">
          {messages.map((m) => (
            <li key={m.id}>
              <button
                type="button"
                onClick={() => setOpenId(m.id)}
                aria-current={open?.id === m.id}
                data-testid={`mail-row-${m.id}`}
                data-status={m.status}
                className={cn(
                  'w-full space-y-1 px-4 py-3 text-left hover:bg-muted/40',
                  open?.id === m.id && 'bg-accent/50',
                )}
              >
                <span className="flex items-center justify-between gap-2">
                  <span className="truncate text-xs text-muted-foreground">{m.recipients.join(', ')}</span>
                  <NotificationStatusBadge status={m.status} />
                </span>
                <span className="line-clamp-2 block text-sm font-medium">{m.subject}</span>
                <span className="block text-xs text-muted-foreground">
                  {formatTimestamp(m.created)}
                  {showTenant ? <span className="ml-2 font-mono">{m.tenant}</span> : null}
                </span>
              </button>
            </li>
          ))}
        </ul>
        <Pager pagination={pagination} query={list} />
      </Card>
      <Card className="min-w-0 p-4">
        {open ? <MessageView key={open.id} message={open} canResend={canResend} /> : null}
      </Card>
    </div>
  );
}

export function TenantMailboxPage({ tenantId }: { tenantId: string }) {
  const role = useTenantRole(tenantId);
  const status = useNotificationStatus(tenantId);
  const transport = status.data?.transport;
  return (
    <>
      <PageHeader
        title={mailboxLabel(transport)}
        description={
          transport === 'smtp'
            ? "Every e-mail sent to this workspace's people, exactly as it went out."
            : 'No mail server is configured: e-mails are kept here, exactly as they would have gone out.'
        }
      />
      <MailboxView tenantId={tenantId} showTenant={false} canResend={canManage(role)} />
    </>
  );
}

export function OperatorMailboxPage() {
  return (
    <>
      <PageHeader
        title="All e-mails"
        description="Every tenant's e-mails, newest first, exactly as they went out (or, with no mail server, as they would have)."
      />
      <MailboxView tenantId={null} showTenant canResend />
    </>
  );
}
