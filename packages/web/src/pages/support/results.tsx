import { UserRound } from 'lucide-react';
import type { SupportMatch } from '@/api/support';
import { Button } from '@/components/ui/button';
import { Card, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { CopyId } from './copy-id';

/** Every customer the search found, with its tenant; choosing one opens what support knows of it. */
export function SearchResults({
  matches,
  selected,
  onSelect,
}: {
  matches: SupportMatch[];
  selected: string | null;
  onSelect: (match: SupportMatch) => void;
}) {
  return (
    <Card data-testid="support-results">
      <CardHeader>
        <CardTitle>
          {matches.length === 1 ? '1 customer found' : `${matches.length} customers found`}
        </CardTitle>
      </CardHeader>
      {matches.length === 0 ? (
        <EmptyState
          icon={<UserRound />}
          title="No customer matches"
          description="E-mails match whatever their letter case; ids must be whole. A change made at Stripe a moment ago may not be in Tributary's records yet."
        />
      ) : (
        <Table>
          <TableHeadings columns={['Tenant', 'Customer', 'E-mail', { label: 'Open', hidden: true }]} />
          <TableBody>
            {matches.map((m) => (
              <TableRow
                key={m.customer.id}
                data-testid={`support-result-${m.customer.id}`}
                aria-selected={selected === m.customer.id}
                className={selected === m.customer.id ? 'bg-accent/50' : undefined}
              >
                <TableCell>{m.tenant.name}</TableCell>
                <TableCell>
                  <p className="font-medium">{m.customer.name ?? '—'}</p>
                  <CopyId id={m.customer.id} label="customer id" />
                </TableCell>
                <TableCell className="text-muted-foreground">{m.customer.email ?? '—'}</TableCell>
                <TableCell className="text-right">
                  <Button
                    size="sm"
                    variant="outline"
                    data-testid={`support-open-${m.customer.id}`}
                    onClick={() => onSelect(m)}
                  >
                    Open
                  </Button>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}
