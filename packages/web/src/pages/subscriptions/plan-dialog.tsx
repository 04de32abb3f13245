import * as React from 'react';
import { useCreatePlan } from '@/api/subscriptions';
import { SelectField, TextField } from '@/components/form-field';
import { FormFooter } from '@/components/form-footer';
import { Dialog } from '@/components/ui/dialog';
import { toMinor } from '@/lib/money';

/** A plan: a product with one recurring price in USD. */
export function PlanDialog({ tenantId, onClose }: { tenantId: string; onClose: () => void }) {
  const [name, setName] = React.useState('');
  const [amount, setAmount] = React.useState('');
  const [interval, setInterval] = React.useState('month');
  const create = useCreatePlan(tenantId);
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title="New plan" data-testid="plan-dialog">
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(
            { name, unit_amount: toMinor(amount), currency: 'usd', interval },
            { onSuccess: onClose },
          );
        }}
      >
        <TextField id="plan-name" label="Name" dense value={name} onChange={(e) => setName(e.target.value)} />
        <div className="grid grid-cols-2 gap-3">
          <TextField
            id="plan-amount"
            label="Price (USD)"
            dense
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
          <SelectField
            id="plan-interval"
            label="Every"
            dense
            value={interval}
            onChange={(e) => setInterval(e.target.value)}
          >
            {['day', 'week', 'month', 'year'].map((i) => (
              <option key={i} value={i}>
                {i}
              </option>
            ))}
          </SelectField>
        </div>
        <FormFooter
          error={create.error}
          errorTestId="plan-error"
          submitLabel="Create plan"
          submitTestId="plan-submit"
          pending={create.isPending}
          disabled={!name}
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}
