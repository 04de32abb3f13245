import * as React from 'react';
import { useCreateSubscription, usePrices, useProducts } from '@/api/subscriptions';
import { type CustomerChoice, CustomerPicker, noCustomer } from '@/components/customer-picker';
import { FormDialog } from '@/components/form-dialog';
import { SelectField, TextField } from '@/components/form-field';
import { useFormFields } from '@/components/use-form-fields';
import { formatMoney } from '@/lib/money';

/** Subscribes a customer to a plan, with an optional trial. */
export function SubscribeDialog({ tenantId, onClose }: { tenantId: string; onClose: () => void }) {
  const prices = usePrices(tenantId);
  const products = useProducts(tenantId);
  const { values, field } = useFormFields('subscribe', { price: '', quantity: '1', trial: '' });
  const [customer, setCustomer] = React.useState<CustomerChoice>(noCustomer);
  const create = useCreateSubscription(tenantId);
  const names = new Map((products.data?.data ?? []).map((p) => [p.id, p.name]));
  return (
    <FormDialog
      name="subscribe"
      title="New subscription"
      submission={create}
      submitLabel="Subscribe"
      disabled={!values.price || !customer.customer}
      onSubmit={() =>
        create.mutate(
          {
            customer: customer.customer?.id ?? '',
            price: values.price,
            quantity: Number(values.quantity) || 1,
            ...(values.trial ? { trial_period_days: Number(values.trial) } : {}),
          },
          { onSuccess: onClose },
        )
      }
      onClose={onClose}
    >
      <CustomerPicker tenantId={tenantId} id="subscribe-customer" value={customer} onChange={setCustomer} />
      <SelectField label="Plan" dense {...field('price')}>
        <option value="">Choose a plan</option>
        {(prices.data?.data ?? []).map((p) => (
          <option key={p.id} value={p.id}>
            {names.get(p.product) ?? p.product} — {formatMoney(p.unit_amount, p.currency)} / {p.interval}
          </option>
        ))}
      </SelectField>
      <div className="grid grid-cols-2 gap-3">
        <TextField label="Quantity" dense inputMode="numeric" {...field('quantity')} />
        <TextField label="Trial days" dense inputMode="numeric" {...field('trial')} />
      </div>
    </FormDialog>
  );
}
