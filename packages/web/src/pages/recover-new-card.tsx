import * as React from 'react';
import { errorMessage } from '@/api/client';
import { type RecoveryConfirmation, useConfirmRecoveryCard } from '@/api/recovery';
import { Alert } from '@/components/ui/alert';
import { Spinner } from '@/components/ui/states';

// Back on the recovery page from Stripe's page adding a card: the page confirms the session, and the new card
// pays what is owed in that request. An answer still processing (202) is asked again for its outcome.

const RECHECK_MS = 2_000;
const RECHECKS = 15;

export function NewCardOutcome({ token, checkoutSession }: { token: string; checkoutSession: string }) {
  const confirm = useConfirmRecoveryCard(token);
  const [outcome, setOutcome] = React.useState<RecoveryConfirmation | null>(null);
  const started = React.useRef(false);
  React.useEffect(() => {
    if (started.current) return;
    started.current = true;
    let checks = 0;
    let timer: number | undefined;
    const ask = () =>
      confirm.mutate(checkoutSession, {
        onSuccess: (out) => {
          setOutcome(out);
          if (out.attempt?.status === 'processing' && ++checks < RECHECKS)
            timer = window.setTimeout(ask, RECHECK_MS);
        },
      });
    ask();
    return () => window.clearTimeout(timer);
  }, [confirm.mutate, checkoutSession]);

  if (confirm.error)
    return (
      <Alert variant="destructive" data-testid="recover-card-error">
        {errorMessage(confirm.error)}
      </Alert>
    );
  const attempt = outcome?.attempt;
  if (!outcome || attempt?.status === 'processing')
    return (
      <Alert variant="info" data-testid="recover-card-processing">
        <Spinner label="Your new card was saved: paying what is owed with it" />
      </Alert>
    );
  if (attempt?.status === 'paid')
    return (
      <Alert variant="success" title="Payment received" data-testid="recover-card-paid">
        Your new card paid what was owed
        {outcome.state === 'active' ? ' and your account is active again.' : '.'}
      </Alert>
    );
  if (attempt?.status === 'declined')
    return (
      <Alert variant="destructive" data-testid="recover-card-declined">
        Your new card was saved, but it did not pay what is owed: {attempt.message ?? 'it was declined'}. Try
        another card, or add a new one.
      </Alert>
    );
  return (
    <Alert variant="success" data-testid="recover-card-added">
      Your new card was saved.
    </Alert>
  );
}
