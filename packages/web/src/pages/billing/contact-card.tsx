import type * as React from 'react';
import {
  type BillingContact,
  type BillingContactUpdate,
  useBillingContact,
  useUpdateBillingContact,
} from '@/api/billing-account';
import { errorMessage, isApiError } from '@/api/client';
import { TextField } from '@/components/form-field';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ErrorState, LoadingBlock } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { useFormFields } from '@/components/use-form-fields';

// Who the platform's invoices are addressed to: the e-mail, name and postal address on the tenant's billing
// customer at Stripe (printed on the invoices). The API's refusal names its field (`address[country]`), shown
// under that field.

const fieldOfParam: Record<string, string> = {
  email: 'email',
  name: 'name',
  address: 'line1',
  'address[line1]': 'line1',
  'address[line2]': 'line2',
  'address[city]': 'city',
  'address[state]': 'state',
  'address[postal_code]': 'postalCode',
  'address[country]': 'country',
};

type Fields = {
  email: string;
  name: string;
  line1: string;
  line2: string;
  city: string;
  state: string;
  postalCode: string;
  country: string;
};

const fieldsOf = (c: BillingContact): Fields => ({
  email: c.email ?? '',
  name: c.name ?? '',
  line1: c.address?.line1 ?? '',
  line2: c.address?.line2 ?? '',
  city: c.address?.city ?? '',
  state: c.address?.state ?? '',
  postalCode: c.address?.postal_code ?? '',
  country: c.address?.country ?? '',
});

/** The body: no address when every address field is empty, else the whole address (the API checks it). */
function bodyOf(v: Fields): BillingContactUpdate {
  const address = [v.line1, v.line2, v.city, v.state, v.postalCode, v.country].some((s) => s.trim())
    ? {
        line1: v.line1.trim(),
        line2: v.line2.trim() || null,
        city: v.city.trim(),
        state: v.state.trim() || null,
        postal_code: v.postalCode.trim(),
        country: v.country.trim(),
      }
    : null;
  return { email: v.email.trim(), name: v.name.trim(), address };
}

function ContactForm({
  tenantId,
  contact,
  editable,
}: {
  tenantId: string;
  contact: BillingContact;
  editable: boolean;
}) {
  const { values, field } = useFormFields('invoice-contact', fieldsOf(contact));
  const update = useUpdateBillingContact(tenantId);
  const toast = useToast();
  const err = update.error;
  const errorField = isApiError(err) && err.param ? fieldOfParam[err.param] : undefined;
  const fieldError = (name: keyof Fields) =>
    errorField === name ? (
      <span className="text-destructive" data-testid={`invoice-contact-error-${name}`}>
        {errorMessage(err)}
      </span>
    ) : undefined;
  const text = (name: keyof Fields, label: string, extra: Partial<React.ComponentProps<'input'>> = {}) => (
    <TextField
      label={label}
      {...field(name)}
      disabled={!editable}
      aria-invalid={errorField === name || undefined}
      hint={fieldError(name)}
      {...extra}
    />
  );
  return (
    <form
      className="grid gap-4 sm:grid-cols-2"
      onSubmit={(e) => {
        e.preventDefault();
        update.mutate(bodyOf(values), { onSuccess: () => toast({ title: 'Billing contact saved' }) });
      }}
    >
      {text('email', 'Billing e-mail', { type: 'email', autoComplete: 'email' })}
      {text('name', 'Name on invoices', { autoComplete: 'organization' })}
      {text('line1', 'Address', { autoComplete: 'address-line1' })}
      {text('line2', 'Address line 2 (optional)', { autoComplete: 'address-line2' })}
      {text('city', 'City', { autoComplete: 'address-level2' })}
      {text('state', 'State or region (optional)', { autoComplete: 'address-level1' })}
      {text('postalCode', 'Postal code', { autoComplete: 'postal-code' })}
      {text('country', 'Country (two letters, e.g. US)', { autoComplete: 'country', maxLength: 2 })}
      {err && !errorField ? (
        <Alert variant="destructive" className="sm:col-span-2">
          {errorMessage(err)}
        </Alert>
      ) : null}
      {editable ? (
        <div className="sm:col-span-2">
          <Button type="submit" loading={update.isPending} data-testid="invoice-contact-save">
            Save billing contact
          </Button>
        </div>
      ) : null}
    </form>
  );
}

export function BillingContactCard({ tenantId, editable }: { tenantId: string; editable: boolean }) {
  const contact = useBillingContact(tenantId);
  return (
    <Card data-testid="invoice-contact">
      <CardHeader>
        <div>
          <CardTitle>Billing contact</CardTitle>
          <CardDescription>
            Who your plan's invoices are addressed to, as printed on them (the contact for alerts and replies
            is in Settings).
          </CardDescription>
        </div>
      </CardHeader>
      <CardContent>
        {contact.isPending ? (
          <LoadingBlock label="Loading billing contact" />
        ) : contact.error ? (
          <ErrorState error={contact.error} onRetry={() => void contact.refetch()} />
        ) : (
          <ContactForm tenantId={tenantId} contact={contact.data} editable={editable} />
        )}
      </CardContent>
    </Card>
  );
}
