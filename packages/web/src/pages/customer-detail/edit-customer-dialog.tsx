import * as React from 'react';
import { type Customer, useUpdateCustomer } from '@/api/customers';
import { TextField } from '@/components/form-field';
import { FormFooter } from '@/components/form-footer';
import { type Pair, PairRows } from '@/components/pair-rows';
import { Dialog } from '@/components/ui/dialog';
import { Label } from '@/components/ui/label';
import { useToast } from '@/components/ui/toast';

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
  const [name, setName] = React.useState(customer.name ?? '');
  const [email, setEmail] = React.useState(customer.email ?? '');
  const [metadata, setMetadata] = React.useState<Pair[]>(Object.entries(customer.metadata));
  const [invalid, setInvalid] = React.useState<string | null>(null);
  const update = useUpdateCustomer(tenantId, customer.id);
  const toast = useToast();
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title="Edit customer"
      data-testid="customer-edit-dialog"
    >
      <form
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const body = updateBody(customer, { name, email, metadata });
          if (typeof body === 'string') {
            setInvalid(body);
            return;
          }
          setInvalid(null);
          update.mutate(body, {
            onSuccess: () => {
              toast({ title: 'Customer saved' });
              onClose();
            },
          });
        }}
      >
        <TextField
          id="customer-edit-name"
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <TextField
          id="customer-edit-email"
          label="Email"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
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
        <FormFooter
          error={invalid ?? update.error}
          errorTestId="customer-edit-error"
          submitLabel="Save"
          submitTestId="customer-edit-submit"
          pending={update.isPending}
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}
