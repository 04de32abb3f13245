import { Repeat } from 'lucide-react';
import * as React from 'react';
import {
  money,
  type Subscription,
  toMinor,
  useChangeSubscription,
  useCreatePlan,
  useCreateSubscription,
  usePrices,
  useProducts,
  useSubscription,
  useSubscriptions,
} from '@/api/billing';
import { errorMessage } from '@/api/client';
import { useCursorPagination } from '@/api/pagination';
import { canManage, useTenantRole } from '@/api/session';
import { SelectField, TextField } from '@/components/form-field';
import { FormFooter } from '@/components/form-footer';
import { ListCard } from '@/components/list-card';
import { PageHeader, ReadOnlyNotice } from '@/components/page-header';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { EmptyState, LoadingBlock } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { formatTimestamp } from '@/lib/utils';

// Subscriptions on the tenant's connected account (issue 8): plans (a product with a recurring price),
// subscribe a customer (optional trial), change the quantity, cancel; each subscription's invoices.

const variant = (s: string) =>
  s === 'active'
    ? 'success'
    : s === 'trialing'
      ? 'default'
      : s === 'past_due' || s === 'unpaid'
        ? 'warning'
        : 'outline';

function PlanDialog({ tenantId, onClose }: { tenantId: string; onClose: () => void }) {
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

function SubscribeDialog({ tenantId, onClose }: { tenantId: string; onClose: () => void }) {
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
              {names.get(p.product) ?? p.product} — {money(p.unit_amount, p.currency)} / {p.interval}
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

export function SubscriptionDialog({
  tenantId,
  id,
  manage,
  onClose,
}: {
  tenantId: string;
  id: string;
  manage: boolean;
  onClose: () => void;
}) {
  const sub = useSubscription(tenantId, id);
  const change = useChangeSubscription(tenantId);
  const toast = useToast();
  const [quantity, setQuantity] = React.useState<string | null>(null);
  const s: Subscription | undefined = sub.data;
  const done = (title: string) => ({
    onSuccess: () => toast({ title }),
    onError: (err: unknown) => toast({ title: errorMessage(err), variant: 'error' as const }),
  });
  const live = s && s.status !== 'canceled' && s.status !== 'incomplete_expired';
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title="Subscription" data-testid="subscription-detail">
      {!s ? (
        <LoadingBlock label="Loading subscription" />
      ) : (
        <div className="space-y-4 text-sm">
          <p>
            <Badge variant={variant(s.status)} data-testid="subscription-detail-status">
              {s.status}
            </Badge>{' '}
            {s.cancel_at_period_end ? 'cancels at the period end' : null}
          </p>
          <p className="text-muted-foreground">
            Period {s.current_period_start ? formatTimestamp(s.current_period_start) : '—'} →{' '}
            {s.current_period_end ? formatTimestamp(s.current_period_end) : '—'} · platform fee{' '}
            {s.application_fee_percent ?? 0}%
          </p>
          {manage && live ? (
            <div className="flex flex-wrap items-end gap-2">
              <TextField
                id="subscription-quantity"
                label="Quantity"
                dense
                className="w-24"
                value={quantity ?? String(s.quantity)}
                onChange={(e) => setQuantity(e.target.value)}
              />
              <Button
                variant="outline"
                disabled={change.isPending}
                data-testid="subscription-update"
                onClick={() =>
                  change.mutate(
                    { id: s.id, action: 'update', body: { quantity: Number(quantity ?? s.quantity) } },
                    done('Quantity updated'),
                  )
                }
              >
                Update
              </Button>
              <Button
                variant="outline"
                disabled={change.isPending || s.cancel_at_period_end}
                data-testid="subscription-cancel-at-period-end"
                onClick={() =>
                  change.mutate(
                    { id: s.id, action: 'cancel', body: { at_period_end: true } },
                    done('Cancels at the period end'),
                  )
                }
              >
                Cancel at period end
              </Button>
              <Button
                variant="destructive"
                disabled={change.isPending}
                data-testid="subscription-cancel-now"
                onClick={() =>
                  change.mutate({ id: s.id, action: 'cancel', body: {} }, done('Subscription canceled'))
                }
              >
                Cancel now
              </Button>
            </div>
          ) : null}
          <Table data-testid="subscription-invoices">
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead>Invoice</TableHead>
                <TableHead>Amount</TableHead>
                <TableHead>Platform fee</TableHead>
                <TableHead>Status</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {(s.invoices ?? []).map((i) => (
                <TableRow key={i.stripe_invoice} data-testid={`subscription-invoice-${i.stripe_invoice}`}>
                  <TableCell>{i.number ?? i.stripe_invoice}</TableCell>
                  <TableCell>{money(i.amount_due, i.currency)}</TableCell>
                  <TableCell>
                    {i.application_fee_amount === null ? '—' : money(i.application_fee_amount, i.currency)}
                  </TableCell>
                  <TableCell>{i.status}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      <DialogFooter>
        <Button variant="outline" onClick={onClose}>
          Close
        </Button>
      </DialogFooter>
    </Dialog>
  );
}

/** Subscriptions by status and renewal; a click opens one (its detail dialog). */
export function SubscriptionsTable({ rows, onOpen }: { rows: Subscription[]; onOpen: (id: string) => void }) {
  return (
    <Table data-testid="subscriptions-table">
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Customer</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>Quantity</TableHead>
          <TableHead>Renews</TableHead>
          <TableHead>Created</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((s) => (
          <TableRow
            key={s.id}
            className="cursor-pointer"
            data-testid={`subscription-row-${s.id}`}
            data-status={s.status}
            onClick={() => onOpen(s.id)}
          >
            <TableCell>{s.customer ?? '—'}</TableCell>
            <TableCell>
              <Badge variant={variant(s.status)}>{s.status}</Badge>
            </TableCell>
            <TableCell>{s.quantity}</TableCell>
            <TableCell className="text-muted-foreground">
              {s.cancel_at_period_end ? 'Ends ' : ''}
              {s.current_period_end ? formatTimestamp(s.current_period_end) : '—'}
            </TableCell>
            <TableCell className="text-muted-foreground">{formatTimestamp(s.created)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function SubscriptionsPage({ tenantId }: { tenantId: string }) {
  const role = useTenantRole(tenantId);
  const manage = canManage(role);
  const pagination = useCursorPagination(25);
  const [dialog, setDialog] = React.useState<'plan' | 'subscribe' | null>(null);
  const [open, setOpen] = React.useState<string | null>(null);
  const subs = useSubscriptions(tenantId, pagination.params);
  return (
    <>
      <PageHeader
        title="Subscriptions"
        description="Recurring plans billed on your Stripe account; the platform's fee is taken from each invoice."
        actions={
          manage ? (
            <div className="flex gap-2">
              <Button variant="outline" onClick={() => setDialog('plan')} data-testid="new-plan-button">
                New plan
              </Button>
              <Button onClick={() => setDialog('subscribe')} data-testid="new-subscription-button">
                New subscription
              </Button>
            </div>
          ) : null
        }
      />
      {manage ? null : <ReadOnlyNotice what="create or change subscriptions" />}
      <ListCard
        query={subs}
        loadingLabel="Loading subscriptions"
        pagination={pagination}
        empty={<EmptyState icon={<Repeat />} title="No subscriptions yet" />}
      >
        {(rows) => <SubscriptionsTable rows={rows} onOpen={setOpen} />}
      </ListCard>
      {dialog === 'plan' ? <PlanDialog tenantId={tenantId} onClose={() => setDialog(null)} /> : null}
      {dialog === 'subscribe' ? (
        <SubscribeDialog tenantId={tenantId} onClose={() => setDialog(null)} />
      ) : null}
      {open ? (
        <SubscriptionDialog tenantId={tenantId} id={open} manage={manage} onClose={() => setOpen(null)} />
      ) : null}
    </>
  );
}
