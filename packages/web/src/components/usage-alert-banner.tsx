import { Link } from '@tanstack/react-router';
import { currentNotices, useBillingAlerts, useEntitlements } from '@/api/billing';
import { Alert } from '@/components/ui/alert';
import { noticeText } from '@/lib/metrics';
import { formatTimestamp } from '@/lib/utils';

/**
 * On every page of a tenant, for every member, while this billing period has a threshold notice nobody
 * dismissed (the latest per metric): how much of which limit is used, when it resets, and a link to Billing,
 * where it is dismissed.
 */
export function UsageAlertBanner({ tenantId }: { tenantId: string }) {
  const entitlements = useEntitlements(tenantId);
  const period = entitlements.data?.period ?? undefined;
  const alerts = useBillingAlerts(period ? tenantId : undefined);
  const notices = currentNotices(alerts.data?.data ?? [], period?.start);
  if (!period || notices.length === 0) return null;
  const reached = notices.some((n) => n.threshold >= 100);
  return (
    <Alert
      variant={reached ? 'destructive' : 'warning'}
      title={reached ? 'You have reached a limit of your plan' : 'You are nearing a limit of your plan'}
      className="mb-6"
      data-testid="usage-alert-banner"
    >
      <ul className="space-y-1">
        {notices.map((n) => (
          <li key={n.id} data-testid={`usage-alert-banner-${n.metric}`}>
            {noticeText(n)} — resets on {formatTimestamp(period.end, false)}.
          </li>
        ))}
      </ul>
      <Link
        to="/tenants/$tenantId/billing"
        params={{ tenantId }}
        className="font-medium underline"
        data-testid="usage-alert-banner-billing"
      >
        See your usage in Billing
      </Link>
    </Alert>
  );
}
