import { ChevronDown, ChevronRight, ExternalLink, FileDown, FileText, RefreshCw } from 'lucide-react';
import * as React from 'react';
import { type BillingInvoice, useBillingInvoices, useRefreshBillingInvoices } from '@/api/billing-account';
import { errorMessage } from '@/api/client';
import { useCursorPagination } from '@/api/pagination';
import { ListCard } from '@/components/list-card';
import { Badge } from '@/components/ui/badge';
import { Button, buttonVariants } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { formatMoney } from '@/lib/money';
import { formatTimestamp } from '@/lib/utils';
import { invoiceStatusVariant } from '../invoices/invoices-table';
import { InvoiceLines, periodText, servicePeriod } from './invoice-lines';

// The plan invoices the platform sent the tenant, newest first, a page at a time: each with its number, date,
// period, amount and status, Stripe's hosted page and PDF, and its lines on demand. Refresh reads the latest
// from Stripe (the history otherwise follows Stripe's invoice events).

const statusVariant = (status: string) =>
  invoiceStatusVariant[status as keyof typeof invoiceStatusVariant] ?? 'outline';

const linkButton = buttonVariants({ variant: 'outline', size: 'sm' });

function InvoiceRow({ invoice }: { invoice: BillingInvoice }) {
  const [open, setOpen] = React.useState(false);
  const Chevron = open ? ChevronDown : ChevronRight;
  return (
    <>
      <TableRow data-testid={`billing-invoice-${invoice.id}`} data-status={invoice.status}>
        <TableCell>
          <button
            type="button"
            className="inline-flex items-center gap-1 font-medium hover:underline"
            aria-expanded={open}
            data-testid={`billing-invoice-expand-${invoice.id}`}
            onClick={() => setOpen((o) => !o)}
          >
            <Chevron className="size-4" aria-hidden="true" />
            {invoice.number ?? invoice.id}
          </button>
        </TableCell>
        <TableCell className="text-muted-foreground">{formatTimestamp(invoice.created, false)}</TableCell>
        <TableCell className="text-muted-foreground">{periodText(servicePeriod(invoice))}</TableCell>
        <TableCell className="tabular-nums" data-testid={`billing-invoice-amount-${invoice.id}`}>
          {formatMoney(invoice.total, invoice.currency)}
        </TableCell>
        <TableCell>
          <Badge variant={statusVariant(invoice.status)} data-testid={`billing-invoice-status-${invoice.id}`}>
            {invoice.status}
          </Badge>
        </TableCell>
        <TableCell>
          <div className="flex justify-end gap-2">
            {invoice.hosted_invoice_url ? (
              <LinkOut href={invoice.hosted_invoice_url} testId={`billing-invoice-view-${invoice.id}`}>
                <ExternalLink aria-hidden="true" />
                View
              </LinkOut>
            ) : null}
            {invoice.invoice_pdf ? (
              <LinkOut href={invoice.invoice_pdf} testId={`billing-invoice-pdf-${invoice.id}`}>
                <FileDown aria-hidden="true" />
                PDF
              </LinkOut>
            ) : null}
          </div>
        </TableCell>
      </TableRow>
      {open ? (
        <TableRow>
          <TableCell colSpan={6} className="bg-muted/30">
            <InvoiceLines invoice={invoice} />
          </TableCell>
        </TableRow>
      ) : null}
    </>
  );
}

export function BillingHistoryCard({ tenantId }: { tenantId: string }) {
  const pagination = useCursorPagination(10);
  const invoices = useBillingInvoices(tenantId, pagination.params);
  const refresh = useRefreshBillingInvoices(tenantId);
  const toast = useToast();
  return (
    <section className="space-y-2" data-testid="billing-history">
      <div className="flex items-center justify-between gap-4">
        <h2 className="text-base font-semibold">Billing history</h2>
        <Button
          size="sm"
          variant="outline"
          loading={refresh.isPending}
          data-testid="billing-invoices-refresh"
          onClick={() =>
            refresh.mutate(undefined, {
              onSuccess: () => {
                pagination.reset();
                toast({ title: 'Billing history is up to date' });
              },
              onError: (err) => toast({ title: errorMessage(err), variant: 'error' }),
            })
          }
        >
          <RefreshCw aria-hidden="true" />
          Refresh
        </Button>
      </div>
      <ListCard
        query={invoices}
        pagination={pagination}
        loadingLabel="Loading invoices"
        empty={
          <EmptyState
            icon={<FileText />}
            title="No invoices yet"
            description="Your plan's invoices appear here once the platform issues them."
          />
        }
      >
        {(rows) => (
          <Table data-testid="billing-invoices-table">
            <TableHeadings
              columns={['Invoice', 'Date', 'Period', 'Amount', 'Status', { label: 'Documents', right: true }]}
            />
            <TableBody>
              {rows.map((inv) => (
                <InvoiceRow key={inv.id} invoice={inv} />
              ))}
            </TableBody>
          </Table>
        )}
      </ListCard>
    </section>
  );
}

/** A link styled as a button that opens Stripe's page (or file) in a new tab. */
function LinkOut({ href, testId, children }: { href: string; testId: string; children: React.ReactNode }) {
  return (
    <a className={linkButton} href={href} target="_blank" rel="noreferrer" data-testid={testId}>
      {children}
    </a>
  );
}
