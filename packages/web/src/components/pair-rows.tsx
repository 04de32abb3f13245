import { Plus, Trash2 } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';

export type Pair = [string, string];

/**
 * An editable list of two-field rows (currency + amount, metadata key + value) with remove and add buttons.
 * Test ids: `<id>-<name>-<i>` for each input (names[0], names[1]) and `<id>-add`.
 */
export function PairRows({
  id,
  rows,
  onChange,
  names,
  labels,
  placeholders = ['', ''],
  blank = ['', ''],
  addLabel,
  firstClassName = 'w-20',
}: {
  id: string;
  rows: Pair[];
  onChange: (rows: Pair[]) => void;
  names: Pair;
  labels: Pair;
  placeholders?: Pair;
  /** a new row's values */
  blank?: Pair;
  addLabel: string;
  firstClassName?: string;
}) {
  const set = (i: number, k: 0 | 1, v: string) =>
    onChange(rows.map((r, j) => (j === i ? ((k === 0 ? [v, r[1]] : [r[0], v]) as Pair) : r)));
  return (
    <div className="space-y-2">
      {rows.map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own while edited
        <div key={i} className="flex gap-2">
          {([0, 1] as const).map((k) => (
            <Input
              key={k}
              aria-label={labels[k]}
              placeholder={placeholders[k]}
              className={k === 0 ? firstClassName : undefined}
              data-testid={`${id}-${names[k]}-${i}`}
              value={r[k]}
              onChange={(e) => set(i, k, e.target.value)}
            />
          ))}
          <Button
            type="button"
            variant="outline"
            size="sm"
            aria-label={`Remove ${labels[0].toLowerCase()}`}
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
        data-testid={`${id}-add`}
        onClick={() => onChange([...rows, blank])}
      >
        <Plus aria-hidden="true" />
        {addLabel}
      </Button>
    </div>
  );
}
