import { type UsageAlert, useBillingAlerts, useDismissAlert } from '@/api/billing';
import { canManage, useTenantRole } from '@/api/session';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ErrorState, LoadingBlock } from '@/components/ui/states';
import { noticeText } from '@/lib/metrics';
import { formatTimestamp } from '@/lib/utils';

// The plan's notices: each threshold of a limit reached (newest first), with Dismiss for those who may
// (owners and admins); a dismissed one stays listed as such.

function NoticeRow({
  tenantId,
  alert,
  mayDismiss,
}: {
  tenantId: string;
  alert: UsageAlert;
  mayDismiss: boolean;
}) {
  const dismiss = useDismissAlert(tenantId);
  const dismissed = alert.dismissed_at !== null;
  return (
    <li
      className="flex items-center justify-between gap-4 py-2 text-sm"
      data-testid={`notice-${alert.id}`}
      data-dismissed={dismissed}
    >
      <div className={dismissed ? 'text-muted-foreground' : ''}>
        <p>{noticeText(alert)}.</p>
        <p className="text-xs text-muted-foreground">
          {formatTimestamp(alert.created_at)}
          {dismissed ? ` · dismissed ${formatTimestamp(alert.dismissed_at)}` : ''}
        </p>
        {dismiss.error ? <p className="text-xs text-destructive">{dismiss.error.message}</p> : null}
      </div>
      {mayDismiss && !dismissed ? (
        <Button
          variant="outline"
          size="sm"
          disabled={dismiss.isPending}
          onClick={() => dismiss.mutate(alert.id)}
          data-testid={`notice-dismiss-${alert.id}`}
        >
          Dismiss
        </Button>
      ) : null}
    </li>
  );
}

export function NoticesCard({ tenantId }: { tenantId: string }) {
  const alerts = useBillingAlerts(tenantId);
  const mayDismiss = canManage(useTenantRole(tenantId));
  if (alerts.isPending) return <LoadingBlock label="Loading notices" />;
  if (alerts.error) return <ErrorState error={alerts.error} onRetry={() => void alerts.refetch()} />;
  const list = alerts.data.data;
  if (list.length === 0) return null;
  return (
    <Card data-testid="billing-notices">
      <CardHeader>
        <CardTitle>Notices</CardTitle>
        <CardDescription>Each time your usage reached a warning threshold of a limit.</CardDescription>
      </CardHeader>
      <CardContent>
        <ul className="divide-y">
          {list.map((a) => (
            <NoticeRow key={a.id} tenantId={tenantId} alert={a} mayDismiss={mayDismiss} />
          ))}
        </ul>
      </CardContent>
    </Card>
  );
}
