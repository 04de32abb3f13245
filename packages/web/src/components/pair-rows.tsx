import { EditableRows } from '@/components/editable-rows';
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
  return (
    <EditableRows
      rows={rows}
      onChange={onChange}
      blank={blank}
      addLabel={addLabel}
      addTestId={`${id}-add`}
      removeLabel={`Remove ${labels[0].toLowerCase()}`}
    >
      {(r, set, i) =>
        ([0, 1] as const).map((k) => (
          <Input
            key={k}
            aria-label={labels[k]}
            placeholder={placeholders[k]}
            className={k === 0 ? firstClassName : undefined}
            data-testid={`${id}-${names[k]}-${i}`}
            value={r[k]}
            onChange={(e) => set(k === 0 ? [e.target.value, r[1]] : [r[0], e.target.value])}
          />
        ))
      }
    </EditableRows>
  );
}
