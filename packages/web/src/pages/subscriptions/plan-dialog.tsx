import { useCreatePlan } from '@/api/subscriptions';
import { FormDialog } from '@/components/form-dialog';
import { CurrencyField, SelectField, TextField } from '@/components/form-field';
import { useFormFields } from '@/components/use-form-fields';
import { parseMoney } from '@/lib/money';

const intervals = ['day', 'week', 'month', 'year'];

/** A plan: a product with one recurring price, typed in major units of its currency. */
export function PlanDialog({ tenantId, onClose }: { tenantId: string; onClose: () => void }) {
  const { values, field } = useFormFields('plan', {
    name: '',
    amount: '',
    currency: 'usd',
    interval: 'month',
  });
  const create = useCreatePlan(tenantId);
  const unitAmount = parseMoney(values.amount, values.currency);
  return (
    <FormDialog
      name="plan"
      title="New plan"
      submission={create}
      submitLabel="Create plan"
      disabled={!values.name || unitAmount === null}
      onSubmit={() => {
        if (unitAmount === null) return;
        const { name, currency, interval } = values;
        create.mutate({ name, unit_amount: unitAmount, currency, interval }, { onSuccess: onClose });
      }}
      onClose={onClose}
    >
      <TextField label="Name" dense {...field('name')} />
      <div className="grid grid-cols-3 gap-3">
        <TextField label="Price" dense inputMode="decimal" {...field('amount')} />
        <CurrencyField label="Currency" dense {...field('currency')} />
        <SelectField label="Every" dense {...field('interval')}>
          {intervals.map((i) => (
            <option key={i} value={i}>
              {i}
            </option>
          ))}
        </SelectField>
      </div>
    </FormDialog>
  );
}
