import type { UseQueryResult } from '@tanstack/react-query';
import type * as React from 'react';
import { errorMessage } from '@/api/client';
import {
  useCustomerEmailPreferences,
  useMyAlertPreferences,
  useUpdateCustomerEmailPreferences,
  useUpdateMyAlertPreferences,
} from '@/api/notification-preferences';
import { Alert } from '@/components/ui/alert';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Checkbox } from '@/components/ui/checkbox';
import { ErrorState, LoadingBlock } from '@/components/ui/states';

const customerEmailLabels: Record<string, [string, string]> = {
  receipt: ['Receipts', 'After each payment: lines, total and a link to the hosted receipt.'],
  invoice_sent: ['Invoices', 'When an invoice is sent, with its payment link.'],
  payment_failed: ['Failed payments', 'With a link to update the card.'],
  renewal_reminder: ['Renewal reminders', 'A week before a subscription renews.'],
  card_expiring: [
    'Expiring cards',
    'When a saved card expires this month or next, with a link to update it.',
  ],
};

const ownerAlertLabels: Record<string, string> = {
  dispute_opened: 'A payment is disputed',
  dispute_closed: 'A dispute is decided',
  refund_failed: 'A refund failed',
  payout_failed: 'A payout failed',
  account_needs_information: 'Stripe needs information about the account',
  account_disabled: 'The Stripe account is disabled',
  account_deauthorized: 'The Stripe account was disconnected',
  invoice_paid: 'An invoice was paid',
  usage_threshold: 'Usage reached a threshold of your plan',
  plan_payment_failed: "Your plan's payment failed",
  plan_attempt_failed: "A retry of your plan's payment failed",
  plan_suspended: 'The account is suspended for an unpaid plan invoice',
  plan_recovered: "Your plan's unpaid invoice was paid",
};

function Toggle(props: {
  id: string;
  label: string;
  hint?: string;
  checked: boolean;
  disabled: boolean;
  onChange: (on: boolean) => void;
}) {
  return (
    <label htmlFor={props.id} className="flex items-start gap-3 py-2">
      <Checkbox
        id={props.id}
        data-testid={props.id}
        className="mt-0.5"
        checked={props.checked}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      <span>
        <span className="block text-sm font-medium">{props.label}</span>
        {props.hint ? <span className="block text-sm text-muted-foreground">{props.hint}</span> : null}
      </span>
    </label>
  );
}

/** A preferences card: its heading, the last save's error, and the settings once loaded. */
function PreferencesCard<T>(props: {
  title: string;
  description: string;
  prefs: UseQueryResult<T>;
  saveError: unknown;
  children: (data: T) => React.ReactNode;
}) {
  const { prefs } = props;
  return (
    <Card>
      <CardHeader>
        <div>
          <CardTitle>{props.title}</CardTitle>
          <CardDescription>{props.description}</CardDescription>
        </div>
      </CardHeader>
      <CardContent className="max-w-xl">
        {props.saveError ? <Alert variant="destructive">{errorMessage(props.saveError)}</Alert> : null}
        {prefs.isPending ? <LoadingBlock /> : null}
        {prefs.error ? <ErrorState error={prefs.error} onRetry={() => void prefs.refetch()} /> : null}
        {prefs.data ? props.children(prefs.data) : null}
      </CardContent>
    </Card>
  );
}

/** Which e-mails the workspace sends its customers: all off until turned on (Stripe may send its own). */
export function CustomerEmailsCard({ tenantId, editable }: { tenantId: string; editable: boolean }) {
  const prefs = useCustomerEmailPreferences(tenantId);
  const update = useUpdateCustomerEmailPreferences(tenantId);
  return (
    <PreferencesCard
      title="E-mails to your customers"
      description="Off until you turn them on: if Stripe already e-mails your customers receipts, leave receipts off so nobody gets two."
      prefs={prefs}
      saveError={update.error}
    >
      {(data) =>
        Object.entries(data.customer_emails).map(([template, on]) => {
          const [label, hint] = customerEmailLabels[template] ?? [template, ''];
          return (
            <Toggle
              key={template}
              id={`customer-email-${template}`}
              label={label}
              hint={hint}
              checked={on}
              disabled={!editable || update.isPending}
              onChange={(value) => update.mutate({ [template]: value })}
            />
          );
        })
      }
    </PreferencesCard>
  );
}

/** The signed-in person's own alerts for this workspace; the critical ones stay on. */
export function MyAlertsCard({ tenantId, editable }: { tenantId: string; editable: boolean }) {
  const prefs = useMyAlertPreferences(tenantId);
  const update = useUpdateMyAlertPreferences(tenantId);
  return (
    <PreferencesCard
      title="Your alerts"
      description="E-mails you receive as an owner or admin of this workspace."
      prefs={prefs}
      saveError={update.error}
    >
      {(data) =>
        Object.entries(data.owner_alerts).map(([template, on]) => {
          const critical = data.critical.includes(template);
          return (
            <Toggle
              key={template}
              id={`owner-alert-${template}`}
              label={ownerAlertLabels[template] ?? template}
              hint={critical ? 'Always on: only you can act on it, and in time.' : undefined}
              checked={on}
              disabled={critical || !editable || update.isPending}
              onChange={(value) => update.mutate({ [template]: value })}
            />
          );
        })
      }
    </PreferencesCard>
  );
}
