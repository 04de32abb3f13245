import { CreditCard } from 'lucide-react';
import * as React from 'react';
import { errorMessage } from '@/api/client';
import { type PaymentMethod, usePaymentMethodAction, usePaymentMethods } from '@/api/customers';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ListCard } from '@/components/list-card';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { formatTimestamp } from '@/lib/utils';

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "Visa ···· 4242", "Stripe Test Bank ···· 6789". */
const methodLabel = (m: PaymentMethod) =>
  m.card
    ? `${capitalized(m.card.brand ?? 'card')} ···· ${m.card.last4 ?? ''}`
    : m.us_bank_account
      ? `${m.us_bank_account.bank_name ?? 'Bank account'} ···· ${m.us_bank_account.last4 ?? ''}`
      : m.type;

/** The saved methods; `pollUntil` keeps reading them while one saved on Stripe's page is on its way. */
export function PaymentMethodsCard({
  tenantId,
  customerId,
  manage,
  pollUntil,
}: {
  tenantId: string;
  customerId: string;
  /** owners and admins make a method the default or remove it */
  manage: boolean;
  pollUntil?: number;
}) {
  const methods = usePaymentMethods(tenantId, customerId, { pollUntil });
  const action = usePaymentMethodAction(tenantId, customerId);
  const toast = useToast();
  const [detaching, setDetaching] = React.useState<PaymentMethod | null>(null);
  return (
    <>
      <ListCard
        query={methods}
        title="Payment methods"
        loadingLabel="Loading payment methods"
        empty={
          <EmptyState
            icon={<CreditCard />}
            title="No saved payment methods"
            description="Cards are saved on Stripe's page (Add payment method), through the API, or by the customer in the portal."
          />
        }
      >
        {(rows) => (
          <Table data-testid="payment-methods-table">
            <TableHeadings
              columns={['Method', 'Expires', 'Added', manage ? { label: 'Actions', right: true } : null]}
            />
            <TableBody>
              {rows.map((m) => (
                <TableRow key={m.id} data-testid={`pm-row-${m.id}`} data-default={String(m.is_default)}>
                  <TableCell>
                    {methodLabel(m)}
                    {m.is_default ? (
                      <Badge variant="success" className="ml-2">
                        default
                      </Badge>
                    ) : null}
                  </TableCell>
                  <TableCell className="text-muted-foreground">
                    {m.card?.exp_month
                      ? `${String(m.card.exp_month).padStart(2, '0')}/${m.card.exp_year}`
                      : '—'}
                  </TableCell>
                  <TableCell className="text-muted-foreground">{formatTimestamp(m.created, false)}</TableCell>
                  {manage ? (
                    <TableCell>
                      <div className="flex justify-end gap-2">
                        {m.is_default ? null : (
                          <Button
                            size="sm"
                            variant="outline"
                            disabled={action.isPending}
                            data-testid={`pm-default-${m.id}`}
                            onClick={() =>
                              action.mutate(
                                { id: m.id, action: 'default' },
                                {
                                  onSuccess: () => toast({ title: `${methodLabel(m)} is the default now` }),
                                  onError: (err) => toast({ title: errorMessage(err), variant: 'error' }),
                                },
                              )
                            }
                          >
                            Make default
                          </Button>
                        )}
                        <Button
                          size="sm"
                          variant="outline"
                          data-testid={`pm-detach-${m.id}`}
                          onClick={() => setDetaching(m)}
                        >
                          Remove
                        </Button>
                      </div>
                    </TableCell>
                  ) : null}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </ListCard>
      <ConfirmDialog
        open={detaching !== null}
        title="Remove this payment method?"
        description={
          detaching
            ? `${methodLabel(detaching)} is detached from the customer on Stripe and cannot be charged again.`
            : ''
        }
        confirmLabel="Remove"
        destructive
        pending={action.isPending}
        error={action.error}
        testId="confirm-detach"
        onConfirm={() =>
          detaching &&
          action.mutate(
            { id: detaching.id, action: 'detach' },
            {
              onSuccess: () => {
                toast({ title: 'Payment method removed' });
                setDetaching(null);
              },
            },
          )
        }
        onCancel={() => {
          action.reset();
          setDetaching(null);
        }}
      />
    </>
  );
}
