import * as React from 'react';
import { errorMessage } from '@/api/client';
import { type Subscription, useChangeSubscription, useSubscription } from '@/api/subscriptions';
import { useConfirm } from '@/components/confirm-dialog';
import { TextField } from '@/components/form-field';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog, DialogCloseFooter } from '@/components/ui/dialog';
import { LoadingBlock } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { formatMoney } from '@/lib/money';
import { formatTimestamp } from '@/lib/utils';
import { subscriptionStatusVariant } from './subscription-status';

/** One subscription: its period and fee, its invoices, and (for owners and admins) quantity and cancel. */
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
  const confirm = useConfirm();
  const who = s?.customer_details?.name ?? s?.customer_details?.email ?? s?.customer ?? 'this customer';
  const plan = s?.plan
    ? `${s.plan.name} (${formatMoney(s.plan.unit_amount * s.quantity, s.plan.currency)} / ${s.plan.interval})`
    : 'their plan';
  const cancel = (atPeriodEnd: boolean) =>
    s &&
    confirm.ask({
      title: atPeriodEnd ? 'Cancel at the period end?' : 'Cancel now?',
      description: atPeriodEnd
        ? `${who} keeps ${plan} until ${s.current_period_end ? formatTimestamp(s.current_period_end) : 'the period ends'}, then is not charged again.`
        : `Ends ${who}'s subscription to ${plan} immediately: no further charges, and it cannot be resumed.`,
      confirmLabel: atPeriodEnd ? 'Cancel at period end' : 'Cancel subscription now',
      destructive: true,
      testId: atPeriodEnd ? 'subscription-cancel-at-period-end-confirm' : 'subscription-cancel-now-confirm',
      run: () =>
        change
          .mutateAsync({ id: s.id, action: 'cancel', body: atPeriodEnd ? { at_period_end: true } : {} })
          .then(() => toast({ title: atPeriodEnd ? 'Cancels at the period end' : 'Subscription canceled' })),
    });
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title="Subscription" data-testid="subscription-detail">
      {!s ? (
        <LoadingBlock label="Loading subscription" />
      ) : (
        <div className="space-y-4 text-sm">
          <p>
            <Badge variant={subscriptionStatusVariant(s.status)} data-testid="subscription-detail-status">
              {s.status}
            </Badge>{' '}
            {s.cancel_at_period_end ? 'cancels at the period end' : null}
          </p>
          {s.status === 'incomplete' ? (
            <p data-testid="subscription-incomplete">
              Not started: the first invoice is unpaid (the card was declined or needs authentication).{' '}
              {s.complete_payment_url ? (
                <a
                  href={s.complete_payment_url}
                  target="_blank"
                  rel="noreferrer"
                  className="font-medium underline"
                  data-testid="subscription-complete-link"
                >
                  Send the customer this payment page
                </a>
              ) : null}
            </p>
          ) : null}
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
                onClick={() => cancel(true)}
              >
                Cancel at period end
              </Button>
              <Button
                variant="destructive"
                disabled={change.isPending}
                data-testid="subscription-cancel-now"
                onClick={() => cancel(false)}
              >
                Cancel now
              </Button>
            </div>
          ) : null}
          <Table data-testid="subscription-invoices">
            <TableHeadings columns={['Invoice', 'Amount', 'Platform fee', 'Status']} />
            <TableBody>
              {(s.invoices ?? []).map((i) => (
                <TableRow key={i.stripe_invoice} data-testid={`subscription-invoice-${i.stripe_invoice}`}>
                  <TableCell>{i.number ?? i.stripe_invoice}</TableCell>
                  <TableCell>{formatMoney(i.amount_due, i.currency)}</TableCell>
                  <TableCell>
                    {i.application_fee_amount === null
                      ? '—'
                      : formatMoney(i.application_fee_amount, i.currency)}
                  </TableCell>
                  <TableCell>{i.status}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      {confirm.dialog}
      <DialogCloseFooter onClose={onClose} />
    </Dialog>
  );
}
