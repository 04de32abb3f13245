import { useNavigate } from '@tanstack/react-router';
import { CreditCard, Plus } from 'lucide-react';
import * as React from 'react';
import { errorMessage, isApiError } from '@/api/client';
import {
  type RecoveryCard,
  type RecoveryPayment,
  usePayRecovery,
  useRecoveryCardPage,
  useRecoverySummary,
} from '@/api/recovery';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { LoadingBlock, Spinner } from '@/components/ui/states';
import { formatMoney } from '@/lib/money';
import { inFragment, takeRecoveryToken } from '@/lib/recovery-token';
import { formatTimestamp } from '@/lib/utils';
import { NewCardOutcome } from './recover-new-card';

// The recovery page (/recover#token=…): reached from a dunning e-mail or the dashboard's banner, no sign-in.
// The link's token shows what the tenant's dunning case owes and its saved cards, pays the oldest invoice with
// a chosen card (3-D Secure on Stripe's invoice page when the bank asks), or opens Stripe's page adding a new
// card, which pays at once when it comes back (recover-new-card.tsx).

function Frame({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col items-center bg-muted/50 px-4 py-10">
      <Card className="w-full max-w-lg shadow-sm">
        <CardContent className="space-y-5 px-6 py-6">
          <h1 className="text-xl font-semibold">{title}</h1>
          {children}
        </CardContent>
      </Card>
    </div>
  );
}

/** Why the link opens nothing, in words. */
function linkRefusal(error: unknown): string {
  if (isApiError(error, 'recovery_token_expired'))
    return 'This payment link has expired: links work for 30 days. Use the link of a newer e-mail, or sign in to the dashboard to pay.';
  if (isApiError(error, 'recovery_token_invalid'))
    return 'This payment link is not valid. Open it again from the e-mail (the whole address), or sign in to the dashboard to pay.';
  return errorMessage(error);
}

const cardLabel = (c: RecoveryCard) => {
  const brand = (c.brand ?? 'Card').replace(/^./, (x) => x.toUpperCase());
  const exp =
    c.exp_month && c.exp_year ? ` · expires ${String(c.exp_month).padStart(2, '0')}/${c.exp_year}` : '';
  return `${brand} •••• ${c.last4 ?? '????'}${exp}`;
};

/**
 * `token` a link's of old (`?token=`); new links carry it in the fragment. `returned` and `checkoutSession`:
 * back from Stripe's page adding a card. All of it is read once, then taken off the address bar.
 */
export function RecoverPage({
  token: fromQuery,
  paymentMethod,
  checkoutSession,
}: {
  token?: string;
  paymentMethod?: string;
  checkoutSession?: string;
}) {
  const navigate = useNavigate();
  const [token] = React.useState(() => takeRecoveryToken(fromQuery));
  const [returned] = React.useState(() => ({ paymentMethod, checkoutSession }));
  React.useEffect(() => {
    if (window.location.search || window.location.hash)
      void navigate({ to: '/recover', search: {}, replace: true });
    // another link opened in this tab changes only the fragment: the page starts again with its token
    const onHash = () => {
      if (inFragment()) window.location.reload();
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [navigate]);
  if (!token)
    return (
      <Frame title="Pay your plan invoice">
        <Alert variant="destructive" data-testid="recover-error">
          This payment link is incomplete: open it again from the e-mail, or sign in to the dashboard to pay.
        </Alert>
      </Frame>
    );
  return (
    <Recovery
      token={token}
      paymentMethod={returned.paymentMethod}
      checkoutSession={returned.checkoutSession}
    />
  );
}

function Recovery({
  token,
  paymentMethod,
  checkoutSession,
}: {
  token: string;
  paymentMethod?: string;
  checkoutSession?: string;
}) {
  const summary = useRecoverySummary(token);
  const pay = usePayRecovery(token);
  const cardPage = useRecoveryCardPage(token);
  const [chosen, setChosen] = React.useState<string | null>(null);
  const [paid, setPaid] = React.useState<RecoveryPayment | null>(null);

  if (summary.isPending) return <Frame title="Pay your plan invoice">{<LoadingBlock />}</Frame>;
  if (summary.error)
    return (
      <Frame title="Pay your plan invoice">
        <Alert variant="destructive" data-testid="recover-error">
          {linkRefusal(summary.error)}
        </Alert>
      </Frame>
    );
  const s = summary.data;
  const cards = s.payment_methods;
  const selected = chosen ?? cards.find((c) => c.is_default)?.id ?? cards[0]?.id ?? null;
  const action = pay.data?.status === 'requires_action' ? pay.data : null;

  return (
    <Frame title={`Pay ${s.tenant.name}'s plan invoice`}>
      {checkoutSession ? (
        <NewCardOutcome token={token} checkoutSession={checkoutSession} />
      ) : paymentMethod === 'canceled' ? (
        <Alert variant="warning" data-testid="recover-card-canceled">
          No card was added.
        </Alert>
      ) : null}
      {paid ? (
        <Alert variant="success" title="Payment received" data-testid="recover-success">
          Thank you: {formatMoney(paid.invoice.amount_due, paid.invoice.currency)} was paid
          {paid.state === 'active' ? ' and your account is active again.' : '.'}
        </Alert>
      ) : null}
      {action ? (
        <Alert
          variant="warning"
          title="Your bank asks you to confirm this payment"
          data-testid="recover-action"
        >
          Nothing was charged yet.{' '}
          {action.url ? (
            <a href={action.url} className="font-medium underline" data-testid="recover-action-link">
              Confirm the payment with your bank
            </a>
          ) : null}
          , then come back to this page.
        </Alert>
      ) : null}
      {pay.error ? (
        <Alert variant="destructive" data-testid="recover-pay-error">
          {isApiError(pay.error, 'recovery_payment_failed') || isApiError(pay.error, 'resource_missing')
            ? pay.error.message
            : linkRefusal(pay.error)}
        </Alert>
      ) : null}

      {s.invoices.length === 0 ? (
        !paid ? (
          <Alert variant="success" data-testid="recover-nothing-owed">
            Nothing is owed: every plan invoice is paid.
          </Alert>
        ) : null
      ) : (
        <>
          <p className="text-sm text-muted-foreground" data-testid="recover-owed">
            {s.currency ? formatMoney(s.amount_owed, s.currency) : ''} is owed
            {s.state === 'suspended' ? ': the account is suspended until it is paid.' : '.'}
          </p>
          <fieldset className="space-y-2">
            <legend className="mb-2 text-sm font-medium">Pay with</legend>
            {cards.length === 0 ? (
              <p className="text-sm text-muted-foreground">No saved card: add one below.</p>
            ) : null}
            {cards.map((c) => (
              <label
                key={c.id}
                className="flex cursor-pointer items-center gap-3 rounded-md border px-3 py-2 text-sm"
                data-testid={`recover-card-${c.id}`}
              >
                <input
                  type="radio"
                  name="card"
                  value={c.id}
                  checked={selected === c.id}
                  onChange={() => setChosen(c.id)}
                />
                <CreditCard className="size-4 text-muted-foreground" aria-hidden="true" />
                <span className="flex-1">{cardLabel(c)}</span>
                {c.is_default ? <Badge variant="secondary">Default</Badge> : null}
              </label>
            ))}
          </fieldset>
          <ul className="divide-y rounded-md border">
            {s.invoices.map((inv, i) => (
              <li key={inv.id} className="flex items-center justify-between gap-3 px-3 py-3 text-sm">
                <div>
                  <p className="font-medium">{inv.number ?? inv.id}</p>
                  <p className="text-muted-foreground">
                    {formatTimestamp(inv.created, false)}
                    {/* the server takes them oldest first */}
                    {i > 0 ? ' · pay the older invoice first' : ''}
                  </p>
                </div>
                <Button
                  disabled={!selected || pay.isPending || i > 0}
                  data-testid={`recover-pay-${inv.id}`}
                  onClick={() => {
                    if (!selected) return;
                    setPaid(null);
                    pay.mutate(
                      { invoice: inv.id, payment_method: selected },
                      { onSuccess: (out) => setPaid(out.status === 'paid' ? out : null) },
                    );
                  }}
                >
                  {pay.isPending ? <Spinner label="Paying" /> : null}
                  Pay {formatMoney(inv.amount_remaining, inv.currency)}
                </Button>
              </li>
            ))}
          </ul>
          <div>
            <Button
              variant="outline"
              disabled={cardPage.isPending}
              data-testid="recover-add-card"
              onClick={() =>
                cardPage.mutate(undefined, { onSuccess: (page) => window.location.assign(page.url) })
              }
            >
              <Plus aria-hidden="true" /> Add a new card
            </Button>
            {cardPage.error ? (
              <p className="mt-2 text-sm text-destructive">{linkRefusal(cardPage.error)}</p>
            ) : null}
          </div>
        </>
      )}
    </Frame>
  );
}
