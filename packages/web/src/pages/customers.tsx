import { Plus, UserRound } from 'lucide-react';
import * as React from 'react';
import { errorMessage } from '@/api/client';
import { useCursorPagination } from '@/api/pagination';
import { useCreateCustomer, useCustomers } from '@/api/payments';
import { canManage, useTenantRole } from '@/api/session';
import { TextField } from '@/components/form-field';
import { PageHeader, ReadOnlyNotice } from '@/components/page-header';
import { Pager } from '@/components/pager';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatTimestamp } from '@/lib/utils';
import { PaymentsDisabledNotice } from './payments';

function NewCustomerDialog({ tenantId, onClose }: { tenantId: string; onClose: () => void }) {
  const [email, setEmail] = React.useState('');
  const [name, setName] = React.useState('');
  const create = useCreateCustomer(tenantId);
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title="New customer" data-testid="customer-dialog">
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ ...(email ? { email } : {}), ...(name ? { name } : {}) }, { onSuccess: onClose });
        }}
      >
        <TextField
          id="customer-email"
          label="Email"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <TextField id="customer-name" label="Name" value={name} onChange={(e) => setName(e.target.value)} />
        {create.error ? (
          <Alert variant="destructive" data-testid="customer-error">
            {errorMessage(create.error)}
          </Alert>
        ) : null}
        <DialogFooter>
          <Button type="button" variant="outline" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={create.isPending} data-testid="customer-submit">
            Create
          </Button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}

export function CustomersPage({ tenantId }: { tenantId: string }) {
  const role = useTenantRole(tenantId);
  const pagination = useCursorPagination(25);
  const [draft, setDraft] = React.useState('');
  const [email, setEmail] = React.useState('');
  const [creating, setCreating] = React.useState(false);
  const customers = useCustomers(tenantId, { ...pagination.params, email: email || undefined });
  const rows = customers.data?.data ?? [];
  const apply = () => {
    if (draft.trim() !== email) {
      setEmail(draft.trim());
      pagination.reset();
    }
  };
  return (
    <>
      <PageHeader
        title="Customers"
        description="The people and companies who pay you, with their saved payment methods."
        actions={
          canManage(role) ? (
            <Button onClick={() => setCreating(true)} data-testid="new-customer-button">
              <Plus aria-hidden="true" />
              New customer
            </Button>
          ) : null
        }
      />
      <PaymentsDisabledNotice tenantId={tenantId} />
      {canManage(role) ? null : <ReadOnlyNotice what="add customers" />}
      <Input
        className="mb-4 max-w-xs"
        type="search"
        placeholder="Find by email"
        aria-label="Find by email"
        data-testid="customers-search"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply();
        }}
      />
      <Card>
        {customers.isPending ? (
          <LoadingBlock label="Loading customers" />
        ) : customers.error ? (
          <ErrorState error={customers.error} onRetry={() => void customers.refetch()} />
        ) : rows.length === 0 && !pagination.hasPrevious ? (
          <EmptyState
            icon={<UserRound />}
            title={email ? 'No customer with that email' : 'No customers yet'}
          />
        ) : (
          <>
            <Table data-testid="customers-table">
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead>Email</TableHead>
                  <TableHead>Name</TableHead>
                  <TableHead>Default payment method</TableHead>
                  <TableHead>Created</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((c) => (
                  <TableRow key={c.id} data-testid={`customer-row-${c.id}`}>
                    <TableCell>{c.email ?? '—'}</TableCell>
                    <TableCell>{c.name ?? '—'}</TableCell>
                    <TableCell>{c.default_payment_method ? 'Saved' : '—'}</TableCell>
                    <TableCell className="text-muted-foreground">{formatTimestamp(c.created)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <Pager pagination={pagination} hasMore={customers.data?.has_more} lastId={rows.at(-1)?.id} />
          </>
        )}
      </Card>
      {creating ? <NewCustomerDialog tenantId={tenantId} onClose={() => setCreating(false)} /> : null}
    </>
  );
}
