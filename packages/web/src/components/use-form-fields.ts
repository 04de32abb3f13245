import * as React from 'react';

type ControlChange = React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>;

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The text a form's fields hold. `field(name)` gives a control its id (`<prefix>-<name in kebab case>`, which
 * TextField and SelectField also use as the test id), its value and what updates it.
 */
export function useFormFields<T extends Record<string, string>>(prefix: string, initial: T) {
  const [values, setValues] = React.useState(initial);
  const set = React.useCallback((patch: Partial<T>) => setValues((v) => ({ ...v, ...patch })), []);
  const field = (name: keyof T & string) => ({
    id: `${prefix}-${kebab(name)}`,
    value: values[name],
    onChange: (e: ControlChange) => set({ [name]: e.target.value } as Partial<T>),
  });
  return { values, set, field };
}
