import { ExternalLink, Link2, RefreshCw, Unplug } from 'lucide-react';
import { errorMessage } from '@/api/client';
import {
  type ConnectStatus,
  type ConnectStatusName,
  useConnectStatus,
  useDisconnect,
  useLinkExisting,
  useLoginLink,
  useRefreshConnect,
  useStartOnboarding,
} from '@/api/connect';
import { useFeePreview } from '@/api/fees';
import { canManage, useTenantRole } from '@/api/session';
import { useConfirm } from '@/components/confirm-dialog';
import { PageHeader, ReadOnlyNotice } from '@/components/page-header';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import { ErrorState, LoadingBlock } from '@/components/ui/states';
import { formatMoney } from '@/lib/money';
import { formatTimestamp } from '@/lib/utils';

/** What the server's redirects put in `?connect_error=` (packages/server/src/connect/, onboarding and oauth). */
const errorMessages: Record<string, string> = {
  access_denied: 'Connecting was cancelled on Stripe; nothing changed.',
  invalid_grant:
    'Stripe did not accept the authorization (it expired or was already used). Please try again.',
  invalid_redirect_uri:
    "Stripe rejected the redirect URL: the platform operator must add this server's /connect/oauth/callback URL to the Connect settings.",
  invalid_request: 'Stripe rejected the request. Please try again.',
  state_expired: 'That link expired (they last 10 minutes). Please start again.',
  state_reused: 'That link was already used. Please start again.',
  state_invalid: 'That link is not valid. Please start again.',
  account_in_use: 'That Stripe account is already connected to another workspace on this platform.',
  stripe_unavailable: 'Stripe could not be reached. Please try again in a moment.',
  link_expired: 'The onboarding link expired. Please start again.',
  replace_forbidden:
    'A Stripe account is already connected. Only an owner can link another one in its place; nothing changed.',
};

const statusLabel: Record<ConnectStatusName, string> = {
  not_connected: 'Not connected',
  onboarding: 'Onboarding',
  restricted: 'Restricted',
  enabled: 'Enabled',
  rejected: 'Rejected',
  deauthorized: 'Disconnected on Stripe',
};
const statusVariant: Record<ConnectStatusName, 'success' | 'warning' | 'destructive' | 'secondary'> = {
  not_connected: 'secondary',
  onboarding: 'warning',
  restricted: 'warning',
  enabled: 'success',
  rejected: 'destructive',
  deauthorized: 'destructive',
};

export function ConnectStatusBadge({ status }: { status: ConnectStatusName }) {
  return <Badge variant={statusVariant[status]}>{statusLabel[status]}</Badge>;
}

function Requirements({ status }: { status: ConnectStatus }) {
  const r = status.requirements;
  const due = [...r.past_due, ...r.currently_due.filter((c) => !r.past_due.some((p) => p.code === c.code))];
  if (!due.length && !r.pending_verification.length) return null;
  return (
    <div className="space-y-2" data-testid="connect-requirements">
      {r.disabled_reason_description && r.disabled_reason_description !== status.summary ? (
        <p className="text-sm">{r.disabled_reason_description}</p>
      ) : null}
      {due.length ? (
        <>
          <p className="text-sm font-medium">
            {status.details_submitted
              ? `Stripe still needs${r.deadline ? ` (by ${formatTimestamp(r.deadline, false)})` : ''}:`
              : 'To finish onboarding, Stripe needs:'}
          </p>
          <ul className="list-disc pl-5 text-sm">
            {due.map((d) => (
              <li key={d.code} data-testid={`requirement-${d.code}`}>
                {d.description}
                {status.details_submitted && r.past_due.some((p) => p.code === d.code) ? ' (overdue)' : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {r.pending_verification.length ? (
        <p className="text-sm text-muted-foreground">
          Being verified: {r.pending_verification.map((p) => p.description).join(', ')}
        </p>
      ) : null}
    </div>
  );
}

/** What a $100.00 card payment leaves the tenant, by the server's own fee computation for its account kind. */
function YourFees({ tenantId, kind }: { tenantId: string; kind: 'express' | 'standard' }) {
  const preview = useFeePreview(tenantId, 10_000, 'usd');
  const b = preview.data?.[kind];
  if (!b) return null;
  const m = (n: number) => formatMoney(n, 'usd');
  return (
    <Card className="mt-4" data-testid="your-fees">
      <CardHeader>
        <CardTitle>Your fees</CardTitle>
        <CardDescription>
          On a {m(preview.data!.amount)} card payment: the platform's fee is {m(b.platform_fee)}, Stripe's is
          about {m(b.stripe_fee)} (
          {b.stripe_fee_payer === 'account'
            ? 'charged to you by Stripe'
            : 'paid by the platform and passed on to you'}
          ), and you keep <span data-testid="your-fees-net">{m(b.tenant_net)}</span>.
        </CardDescription>
      </CardHeader>
    </Card>
  );
}

export function PaymentsSetupPage({ tenantId }: { tenantId: string }) {
  const status = useConnectStatus(tenantId);
  const role = useTenantRole(tenantId);
  const manage = canManage(role);
  const isOwner = role === 'owner';
  const start = useStartOnboarding(tenantId);
  const link = useLinkExisting(tenantId);
  const login = useLoginLink(tenantId);
  const refresh = useRefreshConnect(tenantId);
  const disconnect = useDisconnect(tenantId);
  const confirm = useConfirm();
  const search = new URLSearchParams(window.location.search);
  const redirectError = search.get('connect_error');
  const linked = search.get('connect') === 'linked';
  const mutationError = start.error ?? link.error ?? login.error ?? refresh.error ?? disconnect.error;

  if (status.isPending) return <LoadingBlock label="Loading payments setup" />;
  if (status.error) return <ErrorState error={status.error} onRetry={() => void status.refetch()} />;
  const s = status.data;
  const connected = s.status !== 'not_connected' && s.status !== 'deauthorized';
  const kindName = s.platform_kind === 'express' ? 'Stripe Express' : 'Stripe';

  return (
    <>
      <PageHeader
        title="Payments setup"
        description="Connect a Stripe account so this workspace can take payments and receive payouts."
        actions={
          connected && manage ? (
            <Button
              variant="outline"
              data-testid="connect-refresh"
              onClick={() => refresh.mutate()}
              disabled={refresh.isPending}
            >
              <RefreshCw aria-hidden="true" />
              Refresh
            </Button>
          ) : null
        }
      />
      {!manage ? <ReadOnlyNotice what="connect or disconnect the Stripe account" /> : null}
      <div className="grid gap-4">
        {redirectError ? (
          <Alert variant="destructive" data-testid="connect-error" data-code={redirectError}>
            {errorMessages[redirectError] ?? 'Connecting the Stripe account failed. Please try again.'}
          </Alert>
        ) : null}
        {linked && s.status !== 'not_connected' ? (
          <Alert variant="success" data-testid="connect-linked">
            Your Stripe account is connected.
          </Alert>
        ) : null}
        {s.status === 'deauthorized' ? (
          <Alert variant="destructive" data-testid="connect-deauthorized-banner">
            {s.summary}
          </Alert>
        ) : null}
        {mutationError ? <Alert variant="destructive">{errorMessage(mutationError)}</Alert> : null}
        <Card>
          <CardHeader>
            <div>
              <CardTitle className="flex items-center gap-2">
                Stripe account{' '}
                <span data-testid="connect-status" data-status={s.status}>
                  <ConnectStatusBadge status={s.status} />
                </span>
              </CardTitle>
              <CardDescription>{s.summary}</CardDescription>
            </div>
          </CardHeader>
          <CardContent className="grid gap-4">
            {s.account_id ? (
              <dl className="grid max-w-xl grid-cols-2 gap-x-4 gap-y-1 text-sm">
                <dt className="text-muted-foreground">Account</dt>
                <dd className="font-mono" data-testid="connect-account-id">
                  {s.account_id}
                </dd>
                <dt className="text-muted-foreground">Payments</dt>
                <dd data-testid="connect-charges">{s.charges_enabled ? 'Enabled' : 'Not enabled'}</dd>
                <dt className="text-muted-foreground">Payouts</dt>
                <dd>{s.payouts_enabled ? 'Enabled' : 'Not enabled'}</dd>
                <dt className="text-muted-foreground">Details submitted</dt>
                <dd>{s.details_submitted ? 'Yes' : 'No'}</dd>
                <dt className="text-muted-foreground">Last updated from Stripe</dt>
                <dd>{s.last_synced_at ? formatTimestamp(s.last_synced_at) : '—'}</dd>
              </dl>
            ) : null}
            {connected ? <Requirements status={s} /> : null}
          </CardContent>
          {manage ? (
            <CardFooter className="flex flex-wrap gap-2">
              {!connected ? (
                <>
                  <Button
                    data-testid="connect-start"
                    onClick={() => start.mutate()}
                    disabled={start.isPending}
                  >
                    <Link2 aria-hidden="true" />
                    {s.platform_kind === 'express'
                      ? 'Set up payments with Stripe Express'
                      : 'Create a Stripe account'}
                  </Button>
                  {s.oauth_available ? (
                    <Button
                      variant="outline"
                      data-testid="connect-link-existing"
                      onClick={() => link.mutate()}
                      disabled={link.isPending}
                    >
                      I already have a Stripe account
                    </Button>
                  ) : null}
                </>
              ) : null}
              {/* once details are submitted, onboarding edits the payout account: owners only (connect:manage) */}
              {connected &&
              s.status !== 'enabled' &&
              s.status !== 'rejected' &&
              (isOwner || !s.details_submitted) ? (
                <Button
                  data-testid="connect-resume"
                  onClick={() => start.mutate()}
                  disabled={start.isPending}
                >
                  Resume onboarding
                </Button>
              ) : null}
              {/* the Express dashboard edits the payout bank account: owners only (connect:manage) */}
              {connected && isOwner ? (
                <Button
                  variant="outline"
                  data-testid="connect-express-dashboard"
                  onClick={() => login.mutate()}
                  disabled={login.isPending}
                >
                  <ExternalLink aria-hidden="true" />
                  {s.kind === 'express' ? `Open ${kindName} dashboard` : 'Open Stripe dashboard'}
                </Button>
              ) : null}
              {connected && isOwner ? (
                <Button
                  variant="ghost"
                  data-testid="connect-disconnect"
                  onClick={() =>
                    confirm.ask({
                      title: 'Disconnect this Stripe account?',
                      description: `Disconnects Stripe account ${s.account_id ?? ''} from this workspace: it stops taking payments here until an account is connected again. Money already on the account stays there.`,
                      confirmLabel: 'Yes, disconnect',
                      destructive: true,
                      testId: 'confirm-disconnect',
                      run: () => disconnect.mutateAsync(),
                    })
                  }
                >
                  <Unplug aria-hidden="true" />
                  Disconnect
                </Button>
              ) : null}
            </CardFooter>
          ) : null}
        </Card>
      </div>
      {confirm.dialog}
      {connected ? (
        <YourFees tenantId={tenantId} kind={s.kind === 'express' ? 'express' : 'standard'} />
      ) : null}
    </>
  );
}
