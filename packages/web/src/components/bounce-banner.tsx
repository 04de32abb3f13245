import { Link } from '@tanstack/react-router';
import { useNotificationStatus } from '@/api/notifications';
import { canManage, useTenantRole } from '@/api/session';
import { Alert } from '@/components/ui/alert';

/**
 * On every page of a tenant whose alert address bounced (a mail server refused it for good): its owners and
 * admins are told, and where to fix it, until an e-mail reaches that address again.
 */
export function BounceBanner({ tenantId }: { tenantId: string }) {
  const role = useTenantRole(tenantId);
  const manager = canManage(role);
  const status = useNotificationStatus(manager ? tenantId : undefined);
  const bounce = status.data?.bounce;
  if (!manager || !status.data?.billing_address_bounces || !bounce) return null;
  return (
    <Alert variant="warning" title="Your alert address bounces" className="mb-6" data-testid="bounce-banner">
      The mail server refused e-mail to {bounce.recipients.join(', ')} ({bounce.error}), so alerts such as a
      dispute opened do not reach you. Correct the address in{' '}
      <Link
        to="/tenants/$tenantId/settings"
        params={{ tenantId }}
        className="font-medium underline"
        data-testid="bounce-banner-settings"
      >
        Settings
      </Link>{' '}
      (or set a billing contact), then resend the failed e-mail from the mailbox.
    </Alert>
  );
}
