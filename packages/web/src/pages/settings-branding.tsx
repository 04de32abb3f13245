import * as React from 'react';
import {
  type Branding,
  type BrandingLook,
  type EmailLocale,
  useBranding,
  useBrandingPreview,
  useSetBillingContact,
  useUpdateBranding,
} from '@/api/branding';
import { errorMessage } from '@/api/client';
import { SelectField, TextField } from '@/components/form-field';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import { ErrorState, LoadingBlock } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { useFormFields } from '@/components/use-form-fields';

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = React.useState(value);
  React.useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** The server's rendering of an e-mail with the look being edited: what owners would receive. */
function Preview({ tenantId, look }: { tenantId: string; look: BrandingLook }) {
  const preview = useBrandingPreview(tenantId, useDebounced(look, 300));
  return (
    <div className="space-y-2">
      {preview.error ? (
        <Alert variant="destructive" data-testid="branding-preview-error">
          {errorMessage(preview.error)}
        </Alert>
      ) : null}
      {preview.data ? (
        <>
          <p className="text-xs text-muted-foreground">
            From{' '}
            <span className="font-mono" data-testid="branding-preview-from">
              {preview.data.from}
            </span>
          </p>
          <iframe
            // a new frame per rendering: a sandboxed frame re-navigated through srcdoc can keep showing the old one
            key={preview.dataUpdatedAt}
            title="E-mail preview"
            sandbox=""
            srcDoc={preview.data.html}
            className="h-[28rem] w-full rounded-md border bg-white"
            data-testid="branding-preview"
          />
        </>
      ) : (
        <LoadingBlock label="Rendering the preview" />
      )}
    </div>
  );
}

function BrandingForm({
  tenantId,
  branding,
  editable,
}: {
  tenantId: string;
  branding: Branding;
  editable: boolean;
}) {
  const update = useUpdateBranding(tenantId);
  const toast = useToast();
  const { values, field } = useFormFields('branding', {
    name: branding.brand_name ?? '',
    logo: branding.logo_url ?? '',
    accent: branding.accent_color ?? '#4f46e5',
    replyTo: branding.reply_to ?? '',
    locale: branding.email_locale ?? '',
  });
  const { name, logo, accent, replyTo, locale } = values;
  const look = React.useMemo(
    () => ({
      brand_name: name.trim() || null,
      logo_url: logo.trim() || null,
      accent_color: accent,
      email_locale: (locale || null) as EmailLocale | null,
    }),
    [name, logo, accent, locale],
  );

  function submit(event: React.FormEvent) {
    event.preventDefault();
    update.mutate(
      { ...look, reply_to: replyTo || null },
      { onSuccess: () => toast({ title: 'E-mail branding saved' }) },
    );
  }

  return (
    <form onSubmit={submit}>
      <Card>
        <CardHeader>
          <div>
            <CardTitle>E-mail branding</CardTitle>
            <CardDescription>
              How this workspace's e-mails look, and where answers to them go. The sender address stays the
              platform's.
            </CardDescription>
          </div>
        </CardHeader>
        <CardContent className="grid gap-6 lg:grid-cols-2">
          <div className="grid content-start gap-5">
            {update.error ? (
              <Alert variant="destructive" data-testid="branding-error">
                {errorMessage(update.error)}
              </Alert>
            ) : null}
            <TextField
              {...field('name')}
              label="Display name"
              hint={`Shown as "${name.trim() || 'Name'} via …" in From. Words only: no address, quotes or brackets.`}
              disabled={!editable}
              maxLength={64}
            />
            <TextField
              {...field('logo')}
              label="Logo URL"
              hint="https://…, or a small data: image (PNG, JPEG, GIF, WebP)."
              disabled={!editable}
            />
            <TextField
              {...field('accent')}
              label="Accent colour"
              hint="#rrggbb: buttons and the card's top edge."
              disabled={!editable}
              maxLength={7}
            />
            <SelectField
              {...field('replyTo')}
              label="Reply-To"
              hint="An owner's or admin's address, or the billing contact once verified."
              disabled={!editable}
            >
              <option value="">None</option>
              {branding.reply_to_options.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </SelectField>
            <SelectField
              {...field('locale')}
              label="E-mail language"
              hint="Owners' alerts, and customers' e-mails when Stripe knows no language for the customer."
              disabled={!editable}
            >
              <option value="">English (default)</option>
              <option value="fr">Français</option>
              <option value="de">Deutsch</option>
            </SelectField>
          </div>
          <Preview tenantId={tenantId} look={look} />
        </CardContent>
        {editable ? (
          <CardFooter>
            <Button type="submit" data-testid="branding-submit" loading={update.isPending}>
              Save branding
            </Button>
          </CardFooter>
        ) : null}
      </Card>
    </form>
  );
}

function BillingContactForm({
  tenantId,
  branding,
  editable,
}: {
  tenantId: string;
  branding: Branding;
  editable: boolean;
}) {
  const set = useSetBillingContact(tenantId);
  const toast = useToast();
  const [email, setEmail] = React.useState(branding.billing_contact?.email ?? '');
  const contact = branding.billing_contact;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        set.mutate(email.trim() || null, {
          onSuccess: (b) =>
            toast({
              title: b.billing_contact ? 'Verification link sent' : 'Billing contact removed',
              description: b.billing_contact?.email,
            }),
        });
      }}
    >
      <Card>
        <CardHeader>
          <div>
            <CardTitle>Billing contact</CardTitle>
            <CardDescription>
              An address outside the team for billing e-mails. It is e-mailed a link to confirm it; only then
              can it be the Reply-To.
            </CardDescription>
          </div>
        </CardHeader>
        <CardContent className="grid max-w-xl gap-4">
          {set.error ? <Alert variant="destructive">{errorMessage(set.error)}</Alert> : null}
          {contact ? (
            <p className="flex items-center gap-2 text-sm">
              <span className="font-mono">{contact.email}</span>
              <Badge variant={contact.verified ? 'success' : 'warning'} data-testid="billing-contact-status">
                {contact.verified ? 'Verified' : 'Awaiting verification'}
              </Badge>
            </p>
          ) : null}
          <TextField
            id="billing-contact-email"
            label="Address"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            disabled={!editable}
            placeholder="billing@example.com"
          />
        </CardContent>
        {editable ? (
          <CardFooter>
            <Button type="submit" data-testid="billing-contact-submit" loading={set.isPending}>
              {email.trim() ? 'Send verification link' : 'Remove'}
            </Button>
          </CardFooter>
        ) : null}
      </Card>
    </form>
  );
}

export function BrandingSettings({ tenantId, editable }: { tenantId: string; editable: boolean }) {
  const branding = useBranding(tenantId);
  if (branding.isPending) return <LoadingBlock />;
  if (branding.error) return <ErrorState error={branding.error} onRetry={() => void branding.refetch()} />;
  return (
    <>
      <BrandingForm tenantId={tenantId} branding={branding.data} editable={editable} />
      <BillingContactForm
        key={branding.data.billing_contact?.email ?? ''}
        tenantId={tenantId}
        branding={branding.data}
        editable={editable}
      />
    </>
  );
}
