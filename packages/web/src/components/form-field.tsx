import type * as React from 'react';
import { SearchInput } from '@/components/list-filters';
import { Input } from '@/components/ui/input';
import { FieldHint, Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { commonCurrencies } from '@/lib/money';
import { cn } from '@/lib/utils';

/**
 * A labelled form control: `id` is also its test id; `dense` tightens label spacing (dialog grids); `hint`
 * is a line of help under it, which the control names as its description; `filter` is the small muted label
 * of a list's filter bar; `fieldClassName` sizes the whole field.
 */
type FieldProps = {
  id: string;
  label: string;
  dense?: boolean;
  hint?: React.ReactNode;
  filter?: boolean;
  fieldClassName?: string;
};

/** What the field gives the control inside it. */
type ControlIds = { id?: string; 'data-testid'?: string; 'aria-describedby'?: string };

/** `Control` with its label above and its hint below. */
function labelled<P extends ControlIds>(Control: React.ComponentType<P>) {
  return function Field({ id, label, dense, hint, filter, fieldClassName, ...props }: FieldProps & P) {
    const hintId = `${id}-hint`;
    return (
      <div className={cn(dense ? 'space-y-1' : filter ? 'space-y-1.5' : 'space-y-2', fieldClassName)}>
        <Label htmlFor={id} className={filter ? 'text-xs text-muted-foreground' : undefined}>
          {label}
        </Label>
        <Control
          {...(props as unknown as P)}
          id={id}
          data-testid={id}
          aria-describedby={hint ? hintId : undefined}
        />
        {hint ? <FieldHint id={hintId}>{hint}</FieldHint> : null}
      </div>
    );
  };
}

function TextArea({ className, ...props }: React.ComponentProps<'textarea'>) {
  return (
    <textarea
      className={cn(
        'w-full rounded-md border border-input bg-card px-3 py-2 text-sm shadow-xs outline-none placeholder:text-muted-foreground focus-visible:border-ring focus-visible:ring-2 focus-visible:ring-ring/30',
        className,
      )}
      {...props}
    />
  );
}

export const TextField = labelled(Input);
export const SelectField = labelled(Select);
export const TextAreaField = labelled(TextArea);
export const SearchField = labelled(SearchInput);

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

/** The shortest password the server accepts for a new account. */
export const MIN_PASSWORD = 12;

/**
 * A new account's password, with the length rule as its hint, shown as an error once the form was submitted
 * (`touched`) while too short.
 */
export function NewPasswordField({
  touched,
  ...props
}: { touched: boolean; id: string; value: string } & Omit<React.ComponentProps<typeof TextField>, 'label'>) {
  const tooShort = touched && props.value.length < MIN_PASSWORD;
  return (
    <TextField
      label="Password"
      type="password"
      autoComplete="new-password"
      aria-invalid={tooShort ? true : undefined}
      minLength={MIN_PASSWORD}
      required
      hint={
        <span className={tooShort ? 'text-destructive' : undefined}>At least {MIN_PASSWORD} characters.</span>
      }
      {...props}
    />
  );
}
