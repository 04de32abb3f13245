import { UserPlus, X } from 'lucide-react';
import * as React from 'react';
import { errorMessage } from '@/api/client';
import { type Customer, useCreateCustomer, useCustomerSearch } from '@/api/customers';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { FieldHint, Label } from '@/components/ui/label';

/** What the picker holds: a customer chosen (or made) here, else the e-mail typed so far. */
export interface CustomerChoice {
  customer: Pick<Customer, 'id' | 'email' | 'name'> | null;
  text: string;
}

export const noCustomer: CustomerChoice = { customer: null, text: '' };

const looksLikeEmail = (text: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text);
const labelOf = (c: Pick<Customer, 'id' | 'email' | 'name'>) =>
  c.name && c.email ? `${c.name} <${c.email}>` : (c.name ?? c.email ?? c.id);

/** The text after the user stops typing for a moment: one search per pause, not per key. */
function useSettled(text: string, ms = 250) {
  const [settled, setSettled] = React.useState(text);
  React.useEffect(() => {
    const timer = setTimeout(() => setSettled(text), ms);
    return () => clearTimeout(timer);
  }, [text, ms]);
  return settled;
}

/**
 * Finds one of the tenant's customers as the user types (part of a name or e-mail), or creates one inline
 * from a typed e-mail. `id` prefixes the test ids: `<id>` the search box, `<id>-option-<customer>` a match,
 * `<id>-create` the inline create, `<id>-selected` the chosen customer, `<id>-clear` to choose again.
 */
export function CustomerPicker({
  tenantId,
  id,
  value,
  onChange,
  hint,
}: {
  tenantId: string;
  id: string;
  value: CustomerChoice;
  onChange: (choice: CustomerChoice) => void;
  hint?: string;
}) {
  const text = value.text.trim();
  const search = useCustomerSearch(tenantId, useSettled(value.customer ? '' : text));
  const create = useCreateCustomer(tenantId);
  const matches = text ? (search.data?.data ?? []) : [];
  const exact = matches.some((c) => c.email?.toLowerCase() === text.toLowerCase());
  const hintId = `${id}-hint`;

  if (value.customer) {
    return (
      <div className="space-y-1">
        <Label>Customer</Label>
        <div
          className="flex h-9 items-center justify-between rounded-md border border-input bg-muted px-3 text-sm"
          data-testid={`${id}-selected`}
          data-customer-id={value.customer.id}
        >
          <span className="truncate">{labelOf(value.customer)}</span>
          <Button
            type="button"
            variant="ghost"
            size="icon-sm"
            aria-label="Choose another customer"
            data-testid={`${id}-clear`}
            onClick={() => onChange({ customer: null, text: value.customer?.email ?? '' })}
          >
            <X />
          </Button>
        </div>
      </div>
    );
  }
  return (
    <div className="space-y-1">
      <Label htmlFor={id}>Customer</Label>
      <Input
        id={id}
        data-testid={id}
        type="search"
        autoComplete="off"
        placeholder="Name or e-mail"
        aria-describedby={hintId}
        value={value.text}
        onChange={(e) => onChange({ customer: null, text: e.target.value })}
      />
      {matches.length > 0 || (looksLikeEmail(text) && !exact) ? (
        <ul className="rounded-md border bg-card text-sm shadow-sm" data-testid={`${id}-options`}>
          {matches.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                className="w-full px-3 py-1.5 text-left hover:bg-muted"
                data-testid={`${id}-option-${c.id}`}
                onClick={() => onChange({ customer: c, text: '' })}
              >
                {labelOf(c)}
              </button>
            </li>
          ))}
          {looksLikeEmail(text) && !exact ? (
            <li>
              <button
                type="button"
                className="flex w-full items-center gap-2 px-3 py-1.5 text-left hover:bg-muted"
                data-testid={`${id}-create`}
                disabled={create.isPending}
                onClick={() =>
                  create.mutate({ email: text }, { onSuccess: (c) => onChange({ customer: c, text: '' }) })
                }
              >
                <UserPlus className="size-4" /> Create customer {text}
              </button>
            </li>
          ) : null}
        </ul>
      ) : null}
      {create.error ? <p className="text-sm text-destructive">{errorMessage(create.error)}</p> : null}
      <FieldHint id={hintId}>
        {hint ?? 'Type part of a name or e-mail to find a customer, or a new e-mail to create one.'}
      </FieldHint>
    </div>
  );
}
