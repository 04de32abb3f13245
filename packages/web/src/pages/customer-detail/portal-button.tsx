import { ExternalLink } from 'lucide-react';
import { usePortalSession } from '@/api/customers';
import { HostedPageButton } from './hosted-page-button';

/** Opens a single-use Stripe customer portal link, and keeps it on the page for a blocked pop-up. */
export function PortalButton({ tenantId, customerId }: { tenantId: string; customerId: string }) {
  const portal = usePortalSession(tenantId, customerId);
  return (
    <HostedPageButton
      link={portal.data?.url}
      linkLabel="Portal link"
      linkTestId="portal-link"
      buttonTestId="portal-button"
      pending={portal.isPending}
      request={(outcome) => portal.mutate(undefined, outcome)}
    >
      <ExternalLink aria-hidden="true" />
      Customer portal
    </HostedPageButton>
  );
}
