import * as React from 'react';
import type { CursorPagination } from '@/api/pagination';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';

/** A list filter's applied value; changing it goes back to the list's first page. */
export function usePagedFilter(pagination: CursorPagination, initial = '') {
  const [value, setValue] = React.useState(initial);
  const change = (next: string) => {
    setValue(next);
    pagination.reset();
  };
  return [value, change] as const;
}

/** A search box applied (trimmed) on Enter or when it loses focus, not on every keystroke. */
export function SearchInput({
  value,
  onApply,
  ...props
}: { value: string; onApply: (text: string) => void } & Omit<
  React.ComponentProps<typeof Input>,
  'value' | 'onChange' | 'onBlur' | 'onKeyDown'
>) {
  const [draft, setDraft] = React.useState(value);
  React.useEffect(() => setDraft(value), [value]);
  const apply = () => {
    if (draft.trim() !== value) onApply(draft.trim());
  };
  return (
    <Input
      {...props}
      value={draft}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={apply}
      onKeyDown={(e) => {
        if (e.key === 'Enter') apply();
      }}
    />
  );
}

/** "All statuses" or one of `statuses`. */
export function StatusFilter({
  statuses,
  value,
  onChange,
  className,
  'data-testid': testId,
}: {
  statuses: readonly string[];
  value: string;
  onChange: (status: string) => void;
  className?: string;
  'data-testid': string;
}) {
  return (
    <Select
      className={className}
      aria-label="Status"
      data-testid={testId}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    >
      <option value="">All statuses</option>
      {statuses.map((s) => (
        <option key={s} value={s}>
          {s.replaceAll('_', ' ')}
        </option>
      ))}
    </Select>
  );
}
