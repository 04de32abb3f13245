import { Plus, Trash2 } from 'lucide-react';
import type * as React from 'react';
import { Button } from '@/components/ui/button';

/**
 * An editable list of rows: each drawn by `children` (given the row and how to replace it) with a remove
 * button after it, then an add button that appends `blank`. The last `minRows` rows cannot be removed.
 */
export function EditableRows<T>({
  rows,
  onChange,
  blank,
  addLabel,
  addTestId,
  removeLabel,
  minRows = 0,
  rowClassName = 'flex gap-2',
  children,
}: {
  rows: T[];
  onChange: (rows: T[]) => void;
  blank: T;
  addLabel: string;
  addTestId: string;
  removeLabel: string;
  minRows?: number;
  rowClassName?: string;
  children: (row: T, set: (row: T) => void, index: number) => React.ReactNode;
}) {
  return (
    <div className="space-y-2">
      {rows.map((row, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own while edited
        <div key={i} className={rowClassName}>
          {children(row, (next) => onChange(rows.map((r, j) => (j === i ? next : r))), i)}
          <Button
            type="button"
            variant="outline"
            size="sm"
            aria-label={removeLabel}
            disabled={rows.length <= minRows}
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
          >
            <Trash2 aria-hidden="true" />
          </Button>
        </div>
      ))}
      <Button
        type="button"
        variant="outline"
        size="sm"
        data-testid={addTestId}
        onClick={() => onChange([...rows, blank])}
      >
        <Plus aria-hidden="true" />
        {addLabel}
      </Button>
    </div>
  );
}
