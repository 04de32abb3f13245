import { useNavigate } from '@tanstack/react-router';
import * as React from 'react';
import { type PaymentMethodConfirmation, useConfirmBillingSetup } from '@/api/billing-account';
import { errorMessage, isApiError } from '@/api/client';
import { useToast } from '@/components/ui/toast';

// Back on Billing from Stripe's page adding a payment method (`?payment_method=added|canceled`, with the
// page's `checkout_session`): the session is confirmed, which in dunning pays what is owed with the new method
// at once; the outcome is said once and the parameters taken off the address.

const savedLater = {
  title: 'Payment method saved',
  description: 'It shows in the list as soon as Stripe confirms it.',
};

function said(out: PaymentMethodConfirmation) {
  const a = out.attempt;
  if (a?.status === 'paid')
    return {
      title: 'Payment method saved',
      description:
        out.state === 'active'
          ? 'It paid what was owed on your plan: your account is active again.'
          : 'It paid what was owed on your plan.',
    };
  if (a?.status === 'declined')
    return {
      title: `Payment method saved, but it did not pay what is owed: ${a.message ?? 'it was declined'}`,
      variant: 'error' as const,
    };
  if (a?.status === 'processing')
    return { title: 'Payment method saved', description: 'Its payment of what is owed is being processed.' };
  return { title: 'Payment method saved' };
}

export function useReturnFromSetup(
  tenantId: string,
  returned: 'added' | 'canceled' | undefined,
  checkoutSession: string | undefined,
) {
  const toast = useToast();
  const navigate = useNavigate();
  const confirm = useConfirmBillingSetup(tenantId);
  const done = React.useRef(false);
  React.useEffect(() => {
    if (!returned || done.current) return;
    done.current = true;
    void navigate({ to: '.', search: {}, replace: true });
    if (returned === 'canceled') return toast({ title: 'No payment method was added', variant: 'error' });
    if (!checkoutSession) return toast(savedLater);
    confirm.mutate(checkoutSession, {
      onSuccess: (out) => toast(said(out)),
      onError: (err) =>
        // not saved yet (a bank account still being verified), or not the caller's to confirm: its webhook
        // brings it
        isApiError(err, 'payment_method_setup_incomplete') || isApiError(err, 'forbidden')
          ? toast(savedLater)
          : toast({ title: errorMessage(err), variant: 'error' }),
    });
  }, [returned, checkoutSession, toast, navigate, confirm.mutate]);
}
