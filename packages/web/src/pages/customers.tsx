import { Link } from '@tanstack/react-router';
import { Plus, UserRound } from 'lucide-react';
import * as React from 'react';
import { useCreateCustomer, useCustomers } from '@/api/customers';
import { useCursorPagination } from '@/api/pagination';
import { canManage, useTenantRole } from '@/api/session';
import { FormDialog } from '@/components/form-dialog';
import { TextField } from '@/components/form-field';
import { ListCard } from '@/components/list-card';
import { SearchInput, usePagedFilter } from '@/components/list-filters';
import { PageHeader, ReadOnlyNotice } from '@/components/page-header';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { useFormFields } from '@/components/use-form-fields';
import { formatTimestamp } from '@/lib/utils';
import { PaymentsDisabledNotice } from './payments/payments-disabled-notice';

function NewCustomerDialog({ tenantId, onClose }: { tenantId: string; onClose: () => void }) {
  const { values, field } = useFormFields('customer', { email: '', name: '' });
  const create = useCreateCustomer(tenantId);
  const { email, name } = values;
  return (
    <FormDialog
      name="customer"
      title="New customer"
      submission={create}
      submitLabel="Create"
      onSubmit={() =>
        create.mutate({ ...(email ? { email } : {}), ...(name ? { name } : {}) }, { onSuccess: onClose })
      }
      onClose={onClose}
    >
      <TextField label="Email" type="email" {...field('email')} />
      <TextField label="Name" {...field('name')} />
    </FormDialog>
  );
}

export function CustomersPage({ tenantId }: { tenantId: string }) {
  const role = useTenantRole(tenantId);
  const pagination = useCursorPagination(25);
  const [email, setEmail] = usePagedFilter(pagination);
  const [creating, setCreating] = React.useState(false);
  const customers = useCustomers(tenantId, { ...pagination.params, email: email || undefined });
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
      <SearchInput
        className="mb-4 max-w-xs"
        type="search"
        placeholder="Find by email"
        aria-label="Find by email"
        data-testid="customers-search"
        value={email}
        onApply={setEmail}
      />
      <ListCard
        query={customers}
        loadingLabel="Loading customers"
        pagination={pagination}
        empty={
          <EmptyState
            icon={<UserRound />}
            title={email ? 'No customer with that email' : 'No customers yet'}
          />
        }
      >
        {(rows) => (
          <Table data-testid="customers-table">
            <TableHeadings columns={['Email', 'Name', 'Default payment method', 'Created']} />
            <TableBody>
              {rows.map((c) => (
                <TableRow key={c.id} data-testid={`customer-row-${c.id}`}>
                  <TableCell>
                    <Link
                      to="/tenants/$tenantId/customers/$customerId"
                      params={{ tenantId, customerId: c.id }}
                      className="text-primary hover:underline"
                      data-testid={`customer-open-${c.id}`}
                    >
                      {c.email ?? c.id}
                    </Link>
                  </TableCell>
                  <TableCell>{c.name ?? '—'}</TableCell>
                  <TableCell>{c.default_payment_method ? 'Saved' : '—'}</TableCell>
                  <TableCell className="text-muted-foreground">{formatTimestamp(c.created)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </ListCard>
      {creating ? <NewCustomerDialog tenantId={tenantId} onClose={() => setCreating(false)} /> : null}
    </>
  );
}
