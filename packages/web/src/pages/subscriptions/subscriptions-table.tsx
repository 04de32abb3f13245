import type { Subscription } from '@/api/subscriptions';
import { Badge } from '@/components/ui/badge';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { formatMoney } from '@/lib/money';
import { formatTimestamp } from '@/lib/utils';
import { renews, subscriptionStatusVariant } from './subscription-status';

const every = (interval: string, count: number) => (count === 1 ? interval : `${count} ${interval}s`);

/** Who pays: the customer's name and e-mail, else its id. */
function CustomerCell({ s }: { s: Subscription }) {
  const who = s.customer_details;
  if (!who?.name && !who?.email) return <>{s.customer ?? '—'}</>;
  return (
    <div>
      <div>{who.name ?? who.email}</div>
      {who.name && who.email ? <div className="text-xs text-muted-foreground">{who.email}</div> : null}
    </div>
  );
}

/** Subscriptions by customer, plan, amount, status and renewal; a click opens one (its detail dialog). */
export function SubscriptionsTable({ rows, onOpen }: { rows: Subscription[]; onOpen: (id: string) => void }) {
  return (
    <Table data-testid="subscriptions-table">
      <TableHeadings columns={['Customer', 'Plan', 'Amount', 'Status', 'Renews', 'Created']} />
      <TableBody>
        {rows.map((s) => (
          <TableRow
            key={s.id}
            className="cursor-pointer"
            data-testid={`subscription-row-${s.id}`}
            data-status={s.status}
            onClick={() => onOpen(s.id)}
          >
            <TableCell data-testid={`subscription-customer-${s.id}`}>
              <CustomerCell s={s} />
            </TableCell>
            <TableCell data-testid={`subscription-plan-${s.id}`}>{s.plan?.name ?? s.price ?? '—'}</TableCell>
            <TableCell data-testid={`subscription-amount-${s.id}`}>
              {s.plan
                ? `${formatMoney(s.plan.unit_amount * s.quantity, s.plan.currency)} / ${every(s.plan.interval, s.plan.interval_count)}`
                : '—'}
              {s.plan && s.quantity > 1 ? (
                <div className="text-xs text-muted-foreground">
                  {s.quantity} × {formatMoney(s.plan.unit_amount, s.plan.currency)}
                </div>
              ) : null}
            </TableCell>
            <TableCell>
              <Badge variant={subscriptionStatusVariant(s.status)}>{s.status}</Badge>
            </TableCell>
            <TableCell className="text-muted-foreground">
              {s.status === 'incomplete'
                ? 'First payment due'
                : renews(s.status) && s.current_period_end
                  ? `${s.cancel_at_period_end ? 'Ends ' : ''}${formatTimestamp(s.current_period_end)}`
                  : '—'}
            </TableCell>
            <TableCell className="text-muted-foreground">{formatTimestamp(s.created)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
