import * as React from 'react';
import { useDunningCases } from '@/api/dunning';
import { PageHeader } from '@/components/page-header';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Select } from '@/components/ui/select';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { formatMoney } from '@/lib/money';
import { formatTimestamp } from '@/lib/utils';
import { CaseDialog } from './case-dialog';
import { PhaseBadge } from './phase-badge';

/** The operator's dunning: every tenant whose plan invoice is unpaid, and what is done about it. */
export function OperatorDunningPage() {
  const [phase, setPhase] = React.useState('');
  const [status, setStatus] = React.useState<'open' | 'closed'>('open');
  const [open, setOpen] = React.useState<string | null>(null);
  const cases = useDunningCases({ phase, status });
  return (
    <>
      <PageHeader
        title="Dunning"
        description="Tenants whose plan renewal failed: the retries, the suspension dates, and what you can do."
      />
      <div className="mb-4 flex flex-wrap gap-2">
        <Select
          aria-label="Cases"
          data-testid="dunning-status-filter"
          value={status}
          onChange={(e) => setStatus(e.target.value as 'open' | 'closed')}
        >
          <option value="open">Open cases</option>
          <option value="closed">Closed cases</option>
        </Select>
        {status === 'open' ? (
          <Select
            aria-label="Phase"
            data-testid="dunning-phase-filter"
            value={phase}
            onChange={(e) => setPhase(e.target.value)}
          >
            <option value="">Every phase</option>
            <option value="past_due">Past due</option>
            <option value="warning">Warning</option>
            <option value="suspended">Suspended</option>
          </Select>
        ) : null}
      </div>
      <Card>
        {cases.isPending ? (
          <LoadingBlock label="Loading dunning cases" />
        ) : cases.error ? (
          <ErrorState error={cases.error} onRetry={() => void cases.refetch()} />
        ) : cases.data.data.length === 0 ? (
          <EmptyState
            title={status === 'open' ? 'No tenant owes a plan invoice' : 'No closed cases'}
            description="A case opens when a tenant's plan renewal fails."
          />
        ) : (
          <Table data-testid="dunning-table">
            <TableHeadings
              columns={[
                'Tenant',
                'Phase',
                { label: 'Owed', right: true },
                'Next attempt',
                'Suspension',
                'Attempts',
                { label: '', hidden: true },
              ]}
            />
            <TableBody>
              {cases.data.data.map((c) => (
                <TableRow key={c.id} data-testid={`dunning-row-${c.id}`} data-phase={c.phase}>
                  <TableCell className="font-medium">{c.tenant.name}</TableCell>
                  <TableCell>
                    <PhaseBadge phase={c.phase} />
                  </TableCell>
                  <TableCell className="text-right tabular-nums">
                    {formatMoney(c.amount_owed, c.currency)}
                  </TableCell>
                  <TableCell>{c.next_attempt_at ? formatTimestamp(c.next_attempt_at) : '—'}</TableCell>
                  <TableCell>{c.phase === 'closed' ? '—' : formatTimestamp(c.suspend_at)}</TableCell>
                  <TableCell className="tabular-nums">
                    {c.attempts_made} of {c.attempts_total}
                  </TableCell>
                  <TableCell className="text-right">
                    <Button
                      variant="outline"
                      size="sm"
                      data-testid={`dunning-open-${c.id}`}
                      onClick={() => setOpen(c.id)}
                    >
                      View
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Card>
      {open ? <CaseDialog id={open} onClose={() => setOpen(null)} /> : null}
    </>
  );
}
