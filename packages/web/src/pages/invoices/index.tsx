import { FileText, Plus, Send } from 'lucide-react';
import * as React from 'react';
import { type Invoice, useInvoiceAction, useInvoices } from '@/api/invoices';
import { useCursorPagination } from '@/api/pagination';
import { canManage, useTenantRole } from '@/api/session';
import { useConfirm } from '@/components/confirm-dialog';
import { ListCard } from '@/components/list-card';
import { StatusFilter, usePagedFilter } from '@/components/list-filters';
import { PageHeader, ReadOnlyNotice } from '@/components/page-header';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { EmptyState } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { formatMoney } from '@/lib/money';
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

  const confirm = useConfirm();

  const run = (inv: Invoice, a: 'send' | 'void') => {
    const amount = formatMoney(inv.amount_total, inv.currency);
    const who = inv.customer_email ?? 'a customer with no e-mail';
    confirm.ask(
      a === 'send'
        ? {
            title: 'Send this invoice?',
            description: `Sends the invoice for ${amount} to ${who} with a payment link they can pay once.`,
            confirmLabel: `Send ${amount}`,
            testId: `invoice-send-confirm-${inv.id}`,
            run: () =>
              action
                .mutateAsync({ id: inv.id, action: a })
                .then(() => toast({ title: 'Invoice sent: its payment link is ready' })),
          }
        : {
            title: 'Void this invoice?',
            description: `Voids the invoice for ${amount} to ${who}: its payment link stops working and it cannot be paid or sent again.`,
            confirmLabel: 'Void invoice',
            destructive: true,
            testId: `invoice-void-confirm-${inv.id}`,
            run: () =>
              action.mutateAsync({ id: inv.id, action: a }).then(() => toast({ title: 'Invoice voided' })),
          },
    );
  };

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
                        onClick={() => run(inv, 'send')}
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
                      onClick={() => run(inv, 'void')}
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
      {confirm.dialog}
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
