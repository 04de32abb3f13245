import * as React from 'react';
import { useCreateSubscription, usePrices, useProducts } from '@/api/subscriptions';
import { SelectField, TextField } from '@/components/form-field';
import { FormFooter } from '@/components/form-footer';
import { Dialog } from '@/components/ui/dialog';
import { formatMoney } from '@/lib/money';

/** Subscribes a customer to a plan, with an optional trial. */
export function SubscribeDialog({ tenantId, onClose }: { tenantId: string; onClose: () => void }) {
  const prices = usePrices(tenantId);
  const products = useProducts(tenantId);
  const [customer, setCustomer] = React.useState('');
  const [price, setPrice] = React.useState('');
  const [quantity, setQuantity] = React.useState('1');
  const [trial, setTrial] = React.useState('');
  const create = useCreateSubscription(tenantId);
  const names = new Map((products.data?.data ?? []).map((p) => [p.id, p.name]));
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title="New subscription"
      data-testid="subscribe-dialog"
    >
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(
            {
              customer: customer.trim(),
              price,
              quantity: Number(quantity) || 1,
              ...(trial ? { trial_period_days: Number(trial) } : {}),
            },
            { onSuccess: onClose },
          );
        }}
      >
        <TextField
          id="subscribe-customer"
          label="Customer id"
          dense
          placeholder="cust_…"
          value={customer}
          onChange={(e) => setCustomer(e.target.value)}
        />
        <SelectField
          id="subscribe-price"
          label="Plan"
          dense
          value={price}
          onChange={(e) => setPrice(e.target.value)}
        >
          <option value="">Choose a plan</option>
          {(prices.data?.data ?? []).map((p) => (
            <option key={p.id} value={p.id}>
              {names.get(p.product) ?? p.product} — {formatMoney(p.unit_amount, p.currency)} / {p.interval}
            </option>
          ))}
        </SelectField>
        <div className="grid grid-cols-2 gap-3">
          <TextField
            id="subscribe-quantity"
            label="Quantity"
            dense
            inputMode="numeric"
            value={quantity}
            onChange={(e) => setQuantity(e.target.value)}
          />
          <TextField
            id="subscribe-trial"
            label="Trial days"
            dense
            inputMode="numeric"
            value={trial}
            onChange={(e) => setTrial(e.target.value)}
          />
        </div>
        <FormFooter
          error={create.error}
          errorTestId="subscribe-error"
          submitLabel="Subscribe"
          submitTestId="subscribe-submit"
          pending={create.isPending}
          disabled={!price || !customer}
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}
