import type * as React from 'react';
import { Input } from '@/components/ui/input';
import { FieldHint, Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { commonCurrencies } from '@/lib/money';
import { cn } from '@/lib/utils';

/**
 * A labelled form control: `id` is also its test id; `dense` tightens label spacing (dialog grids); `hint`
 * is a line of help under it.
 */
type FieldProps = { id: string; label: string; dense?: boolean; hint?: React.ReactNode };

function FieldGroup({ id, label, dense, hint, children }: FieldProps & { children: React.ReactNode }) {
  return (
    <div className={dense ? 'space-y-1' : 'space-y-2'}>
      <Label htmlFor={id}>{label}</Label>
      {children}
      {hint ? <FieldHint>{hint}</FieldHint> : null}
    </div>
  );
}

export function TextField({
  id,
  label,
  dense,
  hint,
  ...props
}: FieldProps & React.ComponentProps<typeof Input>) {
  return (
    <FieldGroup id={id} label={label} dense={dense} hint={hint}>
      <Input id={id} data-testid={id} {...props} />
    </FieldGroup>
  );
}

export function SelectField({
  id,
  label,
  dense,
  hint,
  ...props
}: FieldProps & React.ComponentProps<typeof Select>) {
  return (
    <FieldGroup id={id} label={label} dense={dense} hint={hint}>
      <Select id={id} data-testid={id} {...props} />
    </FieldGroup>
  );
}

export function TextAreaField({
  id,
  label,
  dense,
  hint,
  className,
  ...props
}: FieldProps & React.ComponentProps<'textarea'>) {
  return (
    <FieldGroup id={id} label={label} dense={dense} hint={hint}>
      <textarea
        id={id}
        data-testid={id}
        className={cn(
          'w-full rounded-md border border-input bg-card px-3 py-2 text-sm shadow-xs outline-none placeholder:text-muted-foreground focus-visible:border-ring focus-visible:ring-2 focus-visible:ring-ring/30',
          className,
        )}
        {...props}
      />
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
