import * as React from 'react';
import { type Customer, useUpdateCustomer } from '@/api/customers';
import { FormDialog } from '@/components/form-dialog';
import { TextField } from '@/components/form-field';
import { type Pair, PairRows } from '@/components/pair-rows';
import { Label } from '@/components/ui/label';
import { useToast } from '@/components/ui/toast';
import { useFormFields } from '@/components/use-form-fields';

/**
 * The update body: name and email (empty clears them), and metadata as Stripe merges it — changed keys with
 * their value, removed keys as "". A string says what is wrong with the draft.
 */
function updateBody(
  before: Customer,
  draft: { name: string; email: string; metadata: Pair[] },
): { name: string | null; email: string | null; metadata: Record<string, string> } | string {
  const email = draft.email.trim();
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return `“${email}” is not an email address.`;
  const metadata: Record<string, string> = {};
  const kept = new Set<string>();
  for (const [rawKey, value] of draft.metadata) {
    const key = rawKey.trim();
    if (!key && !value) continue;
    if (!key || key.length > 40) return 'Each metadata key needs 1 to 40 characters.';
    if (kept.has(key)) return `The metadata key “${key}” is there twice.`;
    if (!value) return `Give “${key}” a value, or remove the row.`;
    if (value.length > 500) return `The value of “${key}” is longer than 500 characters.`;
    kept.add(key);
    if (before.metadata[key] !== value) metadata[key] = value;
  }
  if (kept.size > 50) return 'At most 50 metadata keys.';
  for (const key of Object.keys(before.metadata)) if (!kept.has(key)) metadata[key] = '';
  return { name: draft.name.trim() || null, email: email || null, metadata };
}

export function EditCustomerDialog({
  tenantId,
  customer,
  onClose,
}: {
  tenantId: string;
  customer: Customer;
  onClose: () => void;
}) {
  const { values, field } = useFormFields('customer-edit', {
    name: customer.name ?? '',
    email: customer.email ?? '',
  });
  const [metadata, setMetadata] = React.useState<Pair[]>(Object.entries(customer.metadata));
  const update = useUpdateCustomer(tenantId, customer.id);
  const toast = useToast();
  return (
    <FormDialog
      name="customer-edit"
      title="Edit customer"
      noValidate
      submission={update}
      submitLabel="Save"
      onSubmit={() => {
        const body = updateBody(customer, { ...values, metadata });
        if (typeof body === 'string') return body;
        update.mutate(body, {
          onSuccess: () => {
            toast({ title: 'Customer saved' });
            onClose();
          },
        });
      }}
      onClose={onClose}
    >
      <TextField label="Name" {...field('name')} />
      <TextField label="Email" type="email" {...field('email')} />
      <div className="space-y-2">
        <Label>Metadata</Label>
        <PairRows
          id="customer-edit-metadata"
          rows={metadata}
          onChange={setMetadata}
          names={['key', 'value']}
          labels={['Key', 'Value']}
          placeholders={['key', 'value']}
          addLabel="Add metadata"
          firstClassName="w-40"
        />
      </div>
    </FormDialog>
  );
}
