import { Link } from '@tanstack/react-router';
import * as React from 'react';
import { useConnectedAccounts } from '@/api/connect';
import { PageHeader } from '@/components/page-header';
import { Card } from '@/components/ui/card';
import { Select } from '@/components/ui/select';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { formatTimestamp } from '@/lib/utils';
import { ConnectStatusBadge } from './payments-setup';

const statuses = ['not_connected', 'onboarding', 'restricted', 'enabled', 'rejected', 'deauthorized'];

export function OperatorConnectedAccountsPage() {
  const [status, setStatus] = React.useState('');
  const [kind, setKind] = React.useState('');
  const accounts = useConnectedAccounts({ status, kind });
  return (
    <>
      <PageHeader
        title="Connected accounts"
        description="Every tenant's Stripe account and whether it can take payments."
      />
      <div className="mb-4 flex flex-wrap gap-2">
        <Select
          aria-label="Status"
          data-testid="connected-accounts-status-filter"
          value={status}
          onChange={(e) => setStatus(e.target.value)}
        >
          <option value="">All statuses</option>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {s.replace('_', ' ')}
            </option>
          ))}
        </Select>
        <Select
          aria-label="Kind"
          data-testid="connected-accounts-kind-filter"
          value={kind}
          onChange={(e) => setKind(e.target.value)}
        >
          <option value="">Express and Standard</option>
          <option value="express">Express</option>
          <option value="standard">Standard</option>
        </Select>
      </div>
      <Card>
        {accounts.isPending ? (
          <LoadingBlock label="Loading connected accounts" />
        ) : accounts.error ? (
          <ErrorState error={accounts.error} onRetry={() => void accounts.refetch()} />
        ) : accounts.data.data.length === 0 ? (
          <EmptyState title="No tenants match" description="Change the filters to see more." />
        ) : (
          <Table data-testid="connected-accounts-table">
            <TableHeadings
              columns={['Tenant', 'Status', 'Account', 'Kind', 'Due', 'Last webhook', 'Last synced']}
            />
            <TableBody>
              {accounts.data.data.map((a) => (
                <TableRow
                  key={a.tenant.id}
                  data-testid={`connected-account-row-${a.tenant.id}`}
                  data-status={a.status}
                >
                  <TableCell>
                    <Link
                      to="/tenants/$tenantId/payments-setup"
                      params={{ tenantId: a.tenant.id }}
                      className="font-medium hover:underline"
                    >
                      {a.tenant.name}
                    </Link>
                  </TableCell>
                  <TableCell>
                    <ConnectStatusBadge status={a.status} />
                  </TableCell>
                  <TableCell className="font-mono text-xs">{a.account_id ?? '—'}</TableCell>
                  <TableCell>{a.kind ?? '—'}</TableCell>
                  <TableCell>{a.currently_due || '—'}</TableCell>
                  <TableCell>{a.last_event_at ? formatTimestamp(a.last_event_at) : '—'}</TableCell>
                  <TableCell>{a.last_synced_at ? formatTimestamp(a.last_synced_at) : '—'}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Card>
    </>
  );
}
