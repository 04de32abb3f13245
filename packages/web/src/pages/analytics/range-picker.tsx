import type { AnalyticsInterval, AnalyticsRange } from '@/api/analytics';
import { SelectField, TextField } from '@/components/form-field';
import { Button } from '@/components/ui/button';
import { intervalLabels } from '@/lib/analytics';

const defaultSpan: Record<AnalyticsInterval, string> = {
  month: 'the last 12 months',
  week: 'the last 12 weeks',
  day: 'the last 30 days',
};

const isInterval = (v: string): v is AnalyticsInterval => v === 'month' || v === 'week' || v === 'day';

/**
 * The periods asked for: months as YYYY-MM, weeks and days by a date (a week is the one holding it), both
 * ends included; left empty, the server's default span up to now.
 */
export function RangePicker({
  range,
  onChange,
  currencies,
  currency,
  onCurrency,
}: {
  range: AnalyticsRange;
  onChange: (next: AnalyticsRange) => void;
  /** the currencies the figures are in; the picker shows when there is one at least */
  currencies: string[];
  currency: string;
  onCurrency: (currency: string) => void;
}) {
  const type = range.interval === 'month' ? 'month' : 'date';
  return (
    <form
      aria-label="Range"
      className="mb-6 flex flex-wrap items-end gap-3"
      onSubmit={(e) => e.preventDefault()}
    >
      <SelectField
        id="analytics-interval"
        label="Interval"
        filter
        fieldClassName="w-32"
        value={range.interval}
        onChange={(e) => {
          if (isInterval(e.target.value)) onChange({ interval: e.target.value, from: '', to: '' });
        }}
      >
        {(['month', 'week', 'day'] as const).map((i) => (
          <option key={i} value={i}>
            {intervalLabels[i]}
          </option>
        ))}
      </SelectField>
      <TextField
        id="analytics-from"
        label="From"
        filter
        type={type}
        className="w-44"
        value={range.from}
        max={range.to || undefined}
        onChange={(e) => onChange({ ...range, from: e.target.value })}
      />
      <TextField
        id="analytics-to"
        label="To (included)"
        filter
        type={type}
        className="w-44"
        value={range.to}
        min={range.from || undefined}
        onChange={(e) => onChange({ ...range, to: e.target.value })}
      />
      {currencies.length > 0 ? (
        <SelectField
          id="analytics-currency"
          label="Currency"
          filter
          fieldClassName="w-28"
          value={currency}
          onChange={(e) => onCurrency(e.target.value)}
        >
          {currencies.map((c) => (
            <option key={c} value={c}>
              {c.toUpperCase()}
            </option>
          ))}
        </SelectField>
      ) : null}
      {range.from || range.to ? (
        <Button
          variant="ghost"
          size="sm"
          className="mb-0.5"
          data-testid="analytics-range-reset"
          onClick={() => onChange({ interval: range.interval, from: '', to: '' })}
        >
          Show {defaultSpan[range.interval]}
        </Button>
      ) : (
        <p className="mb-2 text-xs text-muted-foreground">Showing {defaultSpan[range.interval]}.</p>
      )}
    </form>
  );
}
