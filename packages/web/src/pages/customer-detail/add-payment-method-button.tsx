import { Plus } from 'lucide-react';
import { useSetupSession } from '@/api/customers';
import { HostedPageButton } from './hosted-page-button';

/**
 * Opens Stripe's hosted page for saving a card (Checkout in setup mode) in a new tab, and keeps its link on the
 * page for a blocked pop-up or to hand to the customer. The page comes back here with `?setup=complete`.
 */
export function AddPaymentMethodButton({
  tenantId,
  customerId,
  onOpened,
}: {
  tenantId: string;
  customerId: string;
  onOpened: () => void;
}) {
  const setup = useSetupSession(tenantId, customerId);
  return (
    <HostedPageButton
      link={setup.data?.url}
      linkLabel="Setup link"
      linkTestId="setup-link"
      buttonTestId="add-payment-method-button"
      pending={setup.isPending}
      request={(outcome) => {
        const here = `${window.location.origin}${window.location.pathname}`;
        setup.mutate(
          { success_url: `${here}?setup=complete`, cancel_url: here },
          {
            onSuccess: (r) => {
              onOpened();
              outcome.onSuccess(r);
            },
            onError: outcome.onError,
          },
        );
      }}
    >
      <Plus aria-hidden="true" />
      Add payment method
    </HostedPageButton>
  );
}
