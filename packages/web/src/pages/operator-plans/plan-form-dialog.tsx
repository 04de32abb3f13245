import { Plus, X } from 'lucide-react';
import * as React from 'react';
import { type Plan, type PlanPreview, useCreatePlan, usePreviewPlan, useUpdatePlan } from '@/api/plans';
import { FormDialog } from '@/components/form-dialog';
import { TextField } from '@/components/form-field';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import {
  bodyOf,
  emptyForm,
  formOf,
  type LimitRow,
  MONEY_METRIC,
  type PlanForm,
  type PriceRow,
} from './plan-form';
import { PreviewPanel } from './preview-panel';

/**
 * Create a plan, or edit one: an edit is first previewed (what changes for the plan's tenants: who keeps
 * their price, whose limits change now, features added or removed), then saved with a second click.
 */
export function PlanFormDialog({ plan, onClose }: { plan: Plan | null; onClose: () => void }) {
  const [form, setForm] = React.useState<PlanForm>(plan ? formOf(plan) : emptyForm);
  const [preview, setPreview] = React.useState<PlanPreview | null>(null);
  const create = useCreatePlan();
  const update = useUpdatePlan();
  const previewing = usePreviewPlan();
  const set = (patch: Partial<PlanForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setPreview(null); // a changed form is previewed again before it is saved
  };
  const setPrice = (i: number, patch: Partial<PriceRow>) =>
    set({ prices: form.prices.map((p, j) => (j === i ? { ...p, ...patch } : p)) });
  const setLimit = (i: number, patch: Partial<LimitRow>) =>
    set({ limits: form.limits.map((l, j) => (j === i ? { ...l, ...patch } : l)) });
  const submission = plan ? (preview ? update : previewing) : create;

  return (
    <FormDialog
      name="plan"
      title={plan ? `Edit ${plan.name}` : 'New plan'}
      description="Prices per currency and interval, limits per metric, features and alert thresholds."
      className="max-w-3xl"
      noValidate
      submission={submission}
      submitLabel={plan ? (preview ? 'Save changes' : 'Preview changes') : 'Create plan'}
      onClose={onClose}
      onSubmit={async () => {
        const body = bodyOf(form, plan);
        if (typeof body === 'string') return body;
        if (!plan) {
          await create.mutateAsync(body).then(onClose, () => {});
          return;
        }
        if (!preview) {
          await previewing.mutateAsync({ id: plan.id, ...body }).then(setPreview, () => {});
          return;
        }
        await update.mutateAsync({ id: plan.id, ...body }).then(onClose, () => {});
      }}
    >
      <div className="grid grid-cols-2 gap-3">
        <TextField
          id="plan-name"
          label="Name"
          dense
          value={form.name}
          onChange={(e) => set({ name: e.target.value })}
        />
        <TextField
          id="plan-lookup-key"
          label="Lookup key"
          dense
          value={form.lookupKey}
          onChange={(e) => set({ lookupKey: e.target.value })}
        />
        <TextField
          id="plan-description"
          label="Description"
          dense
          fieldClassName="col-span-2"
          value={form.description}
          onChange={(e) => set({ description: e.target.value })}
        />
        <TextField
          id="plan-trial-days"
          label="Trial days"
          dense
          inputMode="numeric"
          value={form.trialDays}
          onChange={(e) => set({ trialDays: e.target.value })}
        />
        <TextField
          id="plan-thresholds"
          label="Alert thresholds (% of a limit)"
          dense
          value={form.thresholds}
          onChange={(e) => set({ thresholds: e.target.value })}
        />
        <TextField
          id="plan-features"
          label="Features included (comma separated)"
          dense
          fieldClassName="col-span-2"
          value={form.features}
          onChange={(e) => set({ features: e.target.value })}
        />
        <div className="col-span-2 flex gap-6 text-sm">
          <Label className="flex items-center gap-2 font-normal">
            <Checkbox
              data-testid="plan-public"
              checked={form.isPublic}
              onChange={(e) => set({ isPublic: e.target.checked })}
            />
            Tenants can choose it
          </Label>
          <Label className="flex items-center gap-2 font-normal">
            <Checkbox
              data-testid="plan-default"
              checked={form.isDefault}
              onChange={(e) => set({ isDefault: e.target.checked })}
            />
            Default plan (free only)
          </Label>
        </div>
      </div>

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Prices (none, or all zero: a free plan)</legend>
        {form.prices.map((p, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, by position
          <div key={i} className="flex items-center gap-2">
            <Input
              aria-label="Currency"
              data-testid={`plan-price-currency-${i}`}
              className="w-20 shrink-0"
              maxLength={3}
              value={p.currency}
              onChange={(e) => setPrice(i, { currency: e.target.value.toLowerCase() })}
            />
            <Select
              aria-label="Interval"
              data-testid={`plan-price-interval-${i}`}
              className="w-36 shrink-0"
              value={p.interval}
              onChange={(e) => setPrice(i, { interval: e.target.value as PriceRow['interval'] })}
            >
              <option value="month">Monthly</option>
              <option value="year">Yearly</option>
            </Select>
            <Input
              aria-label="Amount"
              data-testid={`plan-price-amount-${i}`}
              inputMode="decimal"
              placeholder="49.00"
              value={p.amount}
              onChange={(e) => setPrice(i, { amount: e.target.value })}
            />
            <Button
              type="button"
              variant="ghost-destructive"
              size="icon-sm"
              aria-label="Remove price"
              data-testid={`plan-price-remove-${i}`}
              onClick={() => set({ prices: form.prices.filter((_, j) => j !== i) })}
            >
              <X />
            </Button>
          </div>
        ))}
        <Button
          type="button"
          variant="outline"
          size="sm"
          data-testid="plan-price-add"
          onClick={() =>
            set({ prices: [...form.prices, { currency: 'usd', interval: 'month', amount: '' }] })
          }
        >
          <Plus aria-hidden="true" /> Add price
        </Button>
      </fieldset>

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Limits per billing period</legend>
        {form.limits.map((l, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, by position
          <div key={i} className="flex items-center gap-2">
            <Input
              aria-label="Metric"
              data-testid={`plan-limit-metric-${i}`}
              placeholder="api_calls"
              value={l.metric}
              onChange={(e) => setLimit(i, { metric: e.target.value })}
            />
            {l.metric === MONEY_METRIC ? (
              <Input
                aria-label="Currency"
                data-testid={`plan-limit-currency-${i}`}
                className="w-20 shrink-0"
                maxLength={3}
                value={l.currency}
                onChange={(e) => setLimit(i, { currency: e.target.value.toLowerCase() })}
              />
            ) : null}
            <Input
              aria-label="Limit"
              data-testid={`plan-limit-value-${i}`}
              value={l.limit}
              onChange={(e) => setLimit(i, { limit: e.target.value })}
            />
            <Select
              aria-label="Enforcement"
              data-testid={`plan-limit-enforcement-${i}`}
              className="w-28 shrink-0"
              value={l.enforcement}
              onChange={(e) => setLimit(i, { enforcement: e.target.value as LimitRow['enforcement'] })}
            >
              <option value="soft">Soft</option>
              <option value="hard">Hard</option>
            </Select>
            <Input
              aria-label="Overage per unit (minor units)"
              data-testid={`plan-limit-overage-${i}`}
              placeholder="overage, e.g. 0.5"
              disabled={l.enforcement !== 'soft'}
              value={l.overage}
              onChange={(e) => setLimit(i, { overage: e.target.value })}
            />
            <Button
              type="button"
              variant="ghost-destructive"
              size="icon-sm"
              aria-label="Remove limit"
              data-testid={`plan-limit-remove-${i}`}
              onClick={() => set({ limits: form.limits.filter((_, j) => j !== i) })}
            >
              <X />
            </Button>
          </div>
        ))}
        <Button
          type="button"
          variant="outline"
          size="sm"
          data-testid="plan-limit-add"
          onClick={() =>
            set({
              limits: [
                ...form.limits,
                { metric: '', currency: 'usd', limit: '', enforcement: 'hard', overage: '' },
              ],
            })
          }
        >
          <Plus aria-hidden="true" /> Add limit
        </Button>
      </fieldset>

      {preview ? <PreviewPanel preview={preview} /> : null}
    </FormDialog>
  );
}
