import type { Subscription } from '@/api/subscriptions';
import { Badge } from '@/components/ui/badge';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { formatTimestamp } from '@/lib/utils';
import { renews, subscriptionStatusVariant } from './subscription-status';

/** Subscriptions by status and renewal; a click opens one (its detail dialog). */
export function SubscriptionsTable({ rows, onOpen }: { rows: Subscription[]; onOpen: (id: string) => void }) {
  return (
    <Table data-testid="subscriptions-table">
      <TableHeadings columns={['Customer', 'Status', 'Quantity', 'Renews', 'Created']} />
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
              <Badge variant={subscriptionStatusVariant(s.status)}>{s.status}</Badge>
            </TableCell>
            <TableCell>{s.quantity}</TableCell>
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
