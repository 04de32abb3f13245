import type * as React from 'react';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { commonCurrencies } from '@/lib/money';

/** A labelled form control: `id` is also its test id; `dense` tightens label spacing (dialog grids). */
type FieldProps = { id: string; label: string; dense?: boolean };

function FieldGroup({ id, label, dense, children }: FieldProps & { children: React.ReactNode }) {
  return (
    <div className={dense ? 'space-y-1' : 'space-y-2'}>
      <Label htmlFor={id}>{label}</Label>
      {children}
    </div>
  );
}

export function TextField({ id, label, dense, ...props }: FieldProps & React.ComponentProps<typeof Input>) {
  return (
    <FieldGroup id={id} label={label} dense={dense}>
      <Input id={id} data-testid={id} {...props} />
    </FieldGroup>
  );
}

export function SelectField({
  id,
  label,
  dense,
  ...props
}: FieldProps & React.ComponentProps<typeof Select>) {
  return (
    <FieldGroup id={id} label={label} dense={dense}>
      <Select id={id} data-testid={id} {...props} />
    </FieldGroup>
  );
}

/** A currency picker: the dashboard's common currencies, and the current one when it is another. */
export function CurrencyField({
  value,
  ...props
}: FieldProps & { value: string } & Omit<React.ComponentProps<typeof Select>, 'children' | 'value'>) {
  return (
    <SelectField value={value} {...props}>
      {[...new Set<string>([...commonCurrencies, value])].map((c) => (
        <option key={c} value={c}>
          {c.toUpperCase()}
        </option>
      ))}
    </SelectField>
  );
}
