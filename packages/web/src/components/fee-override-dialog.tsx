import * as React from 'react';
import {
  type FeeOverride,
  type FeeScheduleValues,
  formatPercent,
  type TenantFeeSchedule,
  useSetFeeOverride,
} from '@/api/fees';
import { FormDialog } from '@/components/form-dialog';
import { SelectField, TextField } from '@/components/form-field';
import { Checkbox } from '@/components/ui/checkbox';
import { FieldHint, Label } from '@/components/ui/label';
import { formatMajor, formatMoney, parseMoney } from '@/lib/money';
import { type Pair, PairRows } from './pair-rows';

// A tenant's fee override: each field either inherits the platform default or is set here.

/** [currency, amount in major units as typed] */
type AmountRow = Pair;
type MapField = 'fixed' | 'min' | 'max';
interface Draft {
  percent: string | null;
  fixed: AmountRow[] | null;
  min: AmountRow[] | null;
  max: AmountRow[] | null;
  passThrough: 'inherit' | 'yes' | 'no';
}

const mapLabels: Record<MapField, string> = { fixed: 'Fixed fee', min: 'Minimum fee', max: 'Maximum fee' };

/** Per-currency minor units → "$0.30, €0.25", or "—" when there are none. */
export function formatAmounts(m: Record<string, number>): string {
  const entries = Object.entries(m);
  return entries.length ? entries.map(([c, v]) => formatMoney(v, c)).join(', ') : '—';
}

const toRows = (m: Record<string, number>): AmountRow[] =>
  Object.entries(m).map(([currency, v]) => [currency, formatMajor(v, currency)] as AmountRow);

function draftOf(o: FeeOverride | null): Draft {
  return {
    percent: o?.percent_bps == null ? null : (o.percent_bps / 100).toFixed(2),
    fixed: o?.fixed ? toRows(o.fixed) : null,
    min: o?.min ? toRows(o.min) : null,
    max: o?.max ? toRows(o.max) : null,
    passThrough: o?.pass_through_stripe_fee == null ? 'inherit' : o.pass_through_stripe_fee ? 'yes' : 'no',
  };
}

function parseRows(label: string, rows: AmountRow[]): Record<string, number> | string {
  const out: Record<string, number> = {};
  for (const [currency, amount] of rows) {
    const c = currency.trim().toLowerCase();
    if (!/^[a-z]{3}$/.test(c)) return `${label}: “${currency}” is not a three-letter currency code.`;
    if (c in out) return `${label}: ${c.toUpperCase()} is listed twice.`;
    const minor = parseMoney(amount, c);
    if (minor === null || minor > 99_999_999)
      return `${label}: “${amount}” is not an amount of ${c.toUpperCase()} (like 0.30).`;
    out[c] = minor;
  }
  return out;
}

/** The request body, or what is wrong with the draft (checked before anything is sent). */
function validateDraft(d: Draft, defaults: FeeScheduleValues): FeeOverride | string {
  let percent_bps: number | null = null;
  if (d.percent !== null) {
    const text = d.percent.trim();
    if (!/^\d{1,3}(\.\d{1,2})?$/.test(text) || Number(text) > 100)
      return 'Percent: a number from 0 to 100 with at most two decimals, like 2.5.';
    percent_bps = Math.round(Number(text) * 100);
  }
  const maps: Record<MapField, Record<string, number> | null> = { fixed: null, min: null, max: null };
  for (const f of ['fixed', 'min', 'max'] as const) {
    const rows = d[f];
    if (rows === null) continue;
    const parsed = parseRows(mapLabels[f], rows);
    if (typeof parsed === 'string') return parsed;
    maps[f] = parsed;
  }
  const min = maps.min ?? defaults.min;
  const max = maps.max ?? defaults.max;
  for (const [c, lo] of Object.entries(min)) {
    const hi = max[c];
    if (hi !== undefined && lo > hi)
      return `The minimum fee in ${c.toUpperCase()} (${formatMoney(lo, c)}) is above the maximum (${formatMoney(hi, c)}).`;
  }
  return {
    percent_bps,
    ...maps,
    pass_through_stripe_fee: d.passThrough === 'inherit' ? null : d.passThrough === 'yes',
  };
}

/** One field of the override: "Override" ticked → edit it, else the default it inherits. */
function OverrideField({
  id,
  label,
  inherited,
  on,
  onToggle,
  children,
}: {
  id: string;
  label: string;
  inherited: string;
  on: boolean;
  onToggle: (on: boolean) => void;
  children: React.ReactNode;
}) {
  return (
    <div className="space-y-2 rounded-md border p-3">
      <div className="flex items-center justify-between gap-2">
        <span className="text-sm font-medium">{label}</span>
        <span className="flex items-center gap-2">
          <Checkbox
            id={`${id}-override`}
            data-testid={`${id}-override`}
            checked={on}
            onChange={(e) => onToggle(e.target.checked)}
          />
          <Label htmlFor={`${id}-override`} className="font-normal">
            Override
          </Label>
        </span>
      </div>
      {on ? children : <FieldHint>Inherits the platform default: {inherited}</FieldHint>}
    </div>
  );
}

export function FeeOverrideDialog({
  tenantName,
  schedule,
  defaults,
  onClose,
}: {
  tenantName: string;
  schedule: TenantFeeSchedule;
  defaults: FeeScheduleValues;
  onClose: () => void;
}) {
  const [draft, setDraft] = React.useState<Draft>(() => draftOf(schedule.override));
  const save = useSetFeeOverride(schedule.tenant);
  const patch = (p: Partial<Draft>) => setDraft((d) => ({ ...d, ...p }));
  return (
    <FormDialog
      name="fee"
      title={`Fee override · ${tenantName}`}
      description="Fields left to inherit follow the platform default, also when it changes later."
      formClassName="space-y-3"
      noValidate
      submission={save}
      submitLabel="Save override"
      onSubmit={() => {
        const body = validateDraft(draft, defaults);
        if (typeof body === 'string') return body;
        save.mutate(body, { onSuccess: onClose });
      }}
      onClose={onClose}
    >
      <OverrideField
        id="fee-percent"
        label="Percent of each payment"
        inherited={formatPercent(defaults.percent_bps)}
        on={draft.percent !== null}
        onToggle={(on) => patch({ percent: on ? (defaults.percent_bps / 100).toFixed(2) : null })}
      >
        <TextField
          id="fee-percent"
          label="Percent (%)"
          dense
          inputMode="decimal"
          value={draft.percent ?? ''}
          onChange={(e) => patch({ percent: e.target.value })}
        />
      </OverrideField>
      {(['fixed', 'min', 'max'] as const).map((f) => (
        <OverrideField
          key={f}
          id={`fee-${f}`}
          label={mapLabels[f]}
          inherited={formatAmounts(defaults[f])}
          on={draft[f] !== null}
          onToggle={(on) => patch({ [f]: on ? toRows(defaults[f]) : null })}
        >
          <PairRows
            id={`fee-${f}`}
            rows={draft[f] ?? []}
            onChange={(rows) => patch({ [f]: rows })}
            names={['currency', 'amount']}
            labels={['Currency', 'Amount']}
            placeholders={['usd', '0.30']}
            blank={['usd', '']}
            addLabel="Add currency"
          />
        </OverrideField>
      ))}
      <SelectField
        id="fee-pass-through"
        label="Pass Stripe's fee through (Express-like accounts)"
        value={draft.passThrough}
        onChange={(e) => patch({ passThrough: e.target.value as Draft['passThrough'] })}
      >
        <option value="inherit">
          Inherit the default ({defaults.pass_through_stripe_fee ? 'yes' : 'no'})
        </option>
        <option value="yes">Yes: the tenant pays Stripe's fee through the application fee</option>
        <option value="no">No: the platform absorbs Stripe's fee</option>
      </SelectField>
    </FormDialog>
  );
}
