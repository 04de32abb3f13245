import { FileText, Plus, Send } from 'lucide-react';
import * as React from 'react';
import { errorMessage } from '@/api/client';
import { type Invoice, useInvoiceAction, useInvoices } from '@/api/invoices';
import { useCursorPagination } from '@/api/pagination';
import { canManage, useTenantRole } from '@/api/session';
import { ListCard } from '@/components/list-card';
import { StatusFilter, usePagedFilter } from '@/components/list-filters';
import { PageHeader, ReadOnlyNotice } from '@/components/page-header';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { EmptyState } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { InvoiceDialog } from './invoice-dialog';
import { InvoicesTable, invoiceStatusVariant } from './invoices-table';

// Tenant invoices: create and edit drafts, send (a single-use Payment Link), copy the link, void.

export function InvoicesPage({ tenantId }: { tenantId: string }) {
  const role = useTenantRole(tenantId);
  const manage = canManage(role);
  const toast = useToast();
  const pagination = useCursorPagination(25);
  const [status, setStatus] = usePagedFilter(pagination);
  const [editing, setEditing] = React.useState<Invoice | 'new' | null>(null);
  const invoices = useInvoices(tenantId, { ...pagination.params, status: status || undefined });
  const action = useInvoiceAction(tenantId);

  const run = (id: string, a: 'send' | 'void') =>
    action.mutate(
      { id, action: a },
      {
        onSuccess: () =>
          toast({ title: a === 'send' ? 'Invoice sent: its payment link is ready' : 'Invoice voided' }),
        onError: (err) => toast({ title: errorMessage(err), variant: 'error' }),
      },
    );

  return (
    <>
      <PageHeader
        title="Invoices"
        description="Bill your customers: each invoice is paid once through its own payment link."
        actions={
          manage ? (
            <Button onClick={() => setEditing('new')} data-testid="new-invoice-button">
              <Plus aria-hidden="true" />
              New invoice
            </Button>
          ) : null
        }
      />
      {manage ? null : <ReadOnlyNotice what="create or send invoices" />}
      <StatusFilter
        className="mb-4 max-w-xs"
        data-testid="invoices-filter-status"
        statuses={Object.keys(invoiceStatusVariant)}
        value={status}
        onChange={setStatus}
      />
      <ListCard
        query={invoices}
        loadingLabel="Loading invoices"
        pagination={pagination}
        empty={
          <EmptyState icon={<FileText />} title={status ? `No ${status} invoices` : 'No invoices yet'} />
        }
      >
        {(rows) => (
          <InvoicesTable
            rows={rows}
            actions={(inv) => (
              <>
                {inv.payment_link && inv.editable ? (
                  <CopyButton
                    size="sm"
                    value={inv.payment_link.url}
                    label="Copy link"
                    data-testid={`invoice-copy-${inv.id}`}
                    data-url={inv.payment_link.url}
                  />
                ) : null}
                {manage && inv.editable ? (
                  <>
                    <Button
                      size="sm"
                      variant="outline"
                      onClick={() => setEditing(inv)}
                      data-testid={`invoice-edit-${inv.id}`}
                    >
                      Edit
                    </Button>
                    {inv.payment_link ? null : (
                      <Button
                        size="sm"
                        disabled={action.isPending}
                        onClick={() => run(inv.id, 'send')}
                        data-testid={`invoice-send-${inv.id}`}
                      >
                        <Send aria-hidden="true" />
                        Send
                      </Button>
                    )}
                    <Button
                      size="sm"
                      variant="outline"
                      disabled={action.isPending}
                      onClick={() => run(inv.id, 'void')}
                      data-testid={`invoice-void-${inv.id}`}
                    >
                      Void
                    </Button>
                  </>
                ) : null}
              </>
            )}
          />
        )}
      </ListCard>
      {editing ? (
        <InvoiceDialog
          tenantId={tenantId}
          invoice={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      ) : null}
    </>
  );
}
