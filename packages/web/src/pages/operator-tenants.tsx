import { Link } from '@tanstack/react-router';
import { Building2, Plus } from 'lucide-react';
import * as React from 'react';
import { useTenants } from '@/api/tenants';
import { NewTenantDialog } from '@/components/new-tenant-dialog';
import { PageHeader } from '@/components/page-header';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { formatTimestamp } from '@/lib/utils';
import { BillingStateBadge } from './billing/state-badge';
import { DeadLetterNotice } from './events/dead-letter-notice';

export function OperatorTenantsPage() {
  const tenants = useTenants();
  const [open, setOpen] = React.useState(false);
  const [filter, setFilter] = React.useState('');

  const rows = (tenants.data?.data ?? []).filter((t) => {
    const q = filter.trim().toLowerCase();
    return !q || [t.name, t.id, t.external_id ?? ''].some((v) => v.toLowerCase().includes(q));
  });

  return (
    <>
      <PageHeader
        title="Tenants"
        description="Every workspace on your platform."
        actions={
          <Button data-testid="operator-create-tenant-button" onClick={() => setOpen(true)}>
            <Plus aria-hidden="true" />
            Create tenant
          </Button>
        }
      />
      <DeadLetterNotice />
      <Card>
        {tenants.isPending ? (
          <LoadingBlock label="Loading tenants" />
        ) : tenants.error ? (
          <ErrorState error={tenants.error} onRetry={() => void tenants.refetch()} />
        ) : tenants.data.data.length === 0 ? (
          <EmptyState
            icon={<Building2 />}
            title="No tenants yet"
            description="Create a tenant for each workspace of your platform, or let your app create them through the API."
            action={
              <Button variant="outline" onClick={() => setOpen(true)}>
                <Plus aria-hidden="true" />
                Create tenant
              </Button>
            }
          />
        ) : (
          <>
            <div className="border-b px-4 py-3">
              <Input
                aria-label="Filter tenants"
                placeholder="Filter by name, id or external id"
                className="max-w-sm"
                value={filter}
                onChange={(e) => setFilter(e.target.value)}
              />
            </div>
            <Table data-testid="tenants-table">
              <TableHeadings columns={['Name', 'Id', 'External id', 'Plan', 'Currency', 'Created']} />
              <TableBody>
                {rows.map((tenant) => (
                  <TableRow key={tenant.id} data-testid={`tenant-row-${tenant.id}`}>
                    <TableCell className="font-medium">
                      <Link
                        to="/tenants/$tenantId"
                        params={{ tenantId: tenant.id }}
                        className="text-primary hover:underline"
                      >
                        {tenant.name}
                      </Link>
                      {tenant.status === 'suspended' ? (
                        <Badge variant="destructive" className="ml-2">
                          Suspended
                        </Badge>
                      ) : null}
                    </TableCell>
                    <TableCell>
                      <code className="font-mono text-xs">{tenant.id}</code>
                    </TableCell>
                    <TableCell>{tenant.external_id ?? '—'}</TableCell>
                    <TableCell data-testid={`tenant-plan-${tenant.id}`}>
                      {tenant.billing ? (
                        <span className="flex items-center gap-2 whitespace-nowrap">
                          {tenant.billing.plan?.name ?? 'No plan'}
                          <BillingStateBadge state={tenant.billing.state} />
                        </span>
                      ) : (
                        '—'
                      )}
                    </TableCell>
                    <TableCell className="uppercase">{tenant.settings.default_currency ?? '—'}</TableCell>
                    <TableCell className="whitespace-nowrap">
                      {formatTimestamp(tenant.created, false)}
                    </TableCell>
                  </TableRow>
                ))}
                {rows.length === 0 ? (
                  <TableRow>
                    <TableCell colSpan={6} className="py-8 text-center text-muted-foreground">
                      No tenant matches “{filter}”.
                    </TableCell>
                  </TableRow>
                ) : null}
              </TableBody>
            </Table>
            {tenants.data.has_more ? (
              <p className="border-t px-4 py-3 text-xs text-muted-foreground">
                Showing the first {tenants.data.data.length} tenants.
              </p>
            ) : null}
          </>
        )}
      </Card>
      {open ? <NewTenantDialog onClose={() => setOpen(false)} /> : null}
    </>
  );
}
