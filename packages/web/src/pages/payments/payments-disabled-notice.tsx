import { Link } from '@tanstack/react-router';
import { useConnectStatus } from '@/api/connect';
import { Alert } from '@/components/ui/alert';

/** Until the account can take charges, the payment pages say why and link to the setup page. */
export function PaymentsDisabledNotice({ tenantId }: { tenantId: string }) {
  const status = useConnectStatus(tenantId);
  if (!status.data || status.data.charges_enabled) return null;
  return (
    <Alert
      variant="warning"
      className="mb-4"
      data-testid="payments-disabled"
      title="Payments are not enabled yet"
    >
      <p>
        {status.data.summary}{' '}
        <Link
          to="/tenants/$tenantId/payments-setup"
          params={{ tenantId }}
          className="font-medium text-primary hover:underline"
          data-testid="payments-setup-link"
        >
          Go to Payments setup
        </Link>
      </p>
    </Alert>
  );
}
