import * as React from 'react';
import { errorMessage } from '@/api/client';
import { canManage, useTenantRole } from '@/api/session';
import { useTenant, useUpdateTenant } from '@/api/tenants';
import type { Tenant } from '@/api/types';
import { SelectField, TextField } from '@/components/form-field';
import { PageHeader, ReadOnlyNotice } from '@/components/page-header';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { Input } from '@/components/ui/input';
import { FieldHint, Label } from '@/components/ui/label';
import { ErrorState, LoadingBlock } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { formatTimestamp } from '@/lib/utils';
import { BrandingSettings } from './settings-branding';
import { CustomerEmailsCard, MyAlertsCard } from './settings-sections/email-preferences';

const currencies = ['usd', 'eur', 'gbp', 'cad', 'aud', 'chf', 'jpy', 'sek', 'nok', 'dkk', 'nzd', 'sgd'];

function SettingsForm({ tenant, editable }: { tenant: Tenant; editable: boolean }) {
  const update = useUpdateTenant(tenant.id);
  const toast = useToast();
  const [name, setName] = React.useState(tenant.name);
  const [supportEmail, setSupportEmail] = React.useState(tenant.settings.support_email ?? '');
  const [currency, setCurrency] = React.useState(tenant.settings.default_currency ?? 'usd');

  const dirty =
    name !== tenant.name ||
    supportEmail !== (tenant.settings.support_email ?? '') ||
    currency !== (tenant.settings.default_currency ?? 'usd');

  function submit(event: React.FormEvent) {
    event.preventDefault();
    // An empty field clears the support email (the API takes null).
    const settings = { default_currency: currency, support_email: supportEmail.trim() || null };
    update.mutate({ name: name.trim(), settings }, { onSuccess: () => toast({ title: 'Settings saved' }) });
  }

  const options = currencies.includes(currency) ? currencies : [currency, ...currencies];

  return (
    <form onSubmit={submit}>
      <Card>
        <CardHeader>
          <div>
            <CardTitle>General</CardTitle>
            <CardDescription>How this workspace appears to its customers.</CardDescription>
          </div>
        </CardHeader>
        <CardContent className="grid max-w-xl gap-5">
          {update.error ? <Alert variant="destructive">{errorMessage(update.error)}</Alert> : null}
          <TextField
            id="settings-name"
            label="Workspace name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            disabled={!editable}
            required
            maxLength={200}
          />
          <div className="space-y-2">
            <Label htmlFor="settings-support-email">Support email</Label>
            <Input
              id="settings-support-email"
              data-testid="settings-support-email"
              type="email"
              value={supportEmail}
              onChange={(e) => setSupportEmail(e.target.value)}
              disabled={!editable}
              placeholder="support@example.com"
            />
            <FieldHint>Shown on receipts and invoices.</FieldHint>
          </div>
          <SelectField
            id="settings-currency"
            label="Default currency"
            className="w-40"
            value={currency}
            onChange={(e) => setCurrency(e.target.value)}
            disabled={!editable}
          >
            {options.map((c) => (
              <option key={c} value={c}>
                {c.toUpperCase()}
              </option>
            ))}
          </SelectField>
        </CardContent>
        {editable ? (
          <CardFooter>
            <Button
              type="submit"
              data-testid="settings-submit"
              loading={update.isPending}
              disabled={!dirty || !name.trim()}
            >
              Save changes
            </Button>
          </CardFooter>
        ) : null}
      </Card>
    </form>
  );
}

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid gap-1 py-3 sm:grid-cols-[12rem_1fr] sm:gap-4">
      <dt className="text-sm text-muted-foreground">{label}</dt>
      <dd className="min-w-0 text-sm break-words">{children}</dd>
    </div>
  );
}

/** `?billing_contact=verified|invalid`: back from the billing contact's verification link. */
export function SettingsPage({ tenantId, verified }: { tenantId: string; verified?: string }) {
  const tenant = useTenant(tenantId);
  const editable = canManage(useTenantRole(tenantId));

  if (tenant.isPending) return <LoadingBlock />;
  if (tenant.error) return <ErrorState error={tenant.error} onRetry={() => void tenant.refetch()} />;

  const metadata = Object.entries(tenant.data.metadata ?? {});
  return (
    <>
      <PageHeader title="Settings" description="Workspace details and defaults." />
      {editable ? null : <ReadOnlyNotice what="change settings" />}
      <div className="space-y-6">
        {/* Keyed by id so switching tenants resets the form state. */}
        <SettingsForm key={tenant.data.id} tenant={tenant.data} editable={editable} />
        {verified ? (
          <Alert
            variant={verified === 'verified' ? 'success' : 'destructive'}
            data-testid="billing-contact-outcome"
          >
            {verified === 'verified'
              ? 'The billing contact is verified: it can now be the Reply-To of your e-mails.'
              : 'That verification link is not valid any more. Send a new one below.'}
          </Alert>
        ) : null}
        <BrandingSettings tenantId={tenant.data.id} editable={editable} />
        <CustomerEmailsCard key={`emails-${tenant.data.id}`} tenantId={tenant.data.id} editable={editable} />
        <MyAlertsCard key={`alerts-${tenant.data.id}`} tenantId={tenant.data.id} editable={editable} />
        <Card>
          <CardHeader>
            <div>
              <CardTitle>Details</CardTitle>
              <CardDescription>Identifiers for API calls and support.</CardDescription>
            </div>
          </CardHeader>
          <CardContent className="py-1">
            <dl className="divide-y">
              <Detail label="Tenant id">
                <span className="inline-flex items-center gap-2">
                  <code className="font-mono text-xs">{tenant.data.id}</code>
                  <CopyButton value={tenant.data.id} size="sm" variant="ghost" label="Copy" />
                </span>
              </Detail>
              <Detail label="External id">{tenant.data.external_id ?? '—'}</Detail>
              <Detail label="Created">{formatTimestamp(tenant.data.created)}</Detail>
              <Detail label="Metadata">
                {metadata.length === 0 ? (
                  '—'
                ) : (
                  <ul className="space-y-1">
                    {metadata.map(([k, v]) => (
                      <li key={k}>
                        <code className="font-mono text-xs">{k}</code>: {v}
                      </li>
                    ))}
                  </ul>
                )}
              </Detail>
            </dl>
          </CardContent>
        </Card>
      </div>
    </>
  );
}
