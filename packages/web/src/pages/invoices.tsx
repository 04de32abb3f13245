import { FileText, Plus, Send, Trash2 } from 'lucide-react';
import * as React from 'react';
import {
  type Invoice,
  type InvoiceInput,
  money,
  toMinor,
  useInvoiceAction,
  useInvoices,
  useSaveInvoice,
} from '@/api/billing';
import { errorMessage } from '@/api/client';
import { useCursorPagination } from '@/api/pagination';
import { canManage, useTenantRole } from '@/api/session';
import { SelectField, TextField } from '@/components/form-field';
import { FormFooter } from '@/components/form-footer';
import { ListCard } from '@/components/list-card';
import { PageHeader, ReadOnlyNotice } from '@/components/page-header';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { Dialog } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { EmptyState } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { formatTimestamp } from '@/lib/utils';

// Tenant invoices (issue 8): create and edit drafts, send (a single-use Payment Link), copy the link, void.

const statusVariant = {
  draft: 'secondary',
  open: 'default',
  paid: 'success',
  void: 'outline',
  uncollectible: 'destructive',
  overdue: 'warning',
} as const;

interface LineDraft {
  description: string;
  quantity: string;
  unit: string;
}

const major = (minor: number) => (minor / 100).toFixed(2);
const dateInput = (unix: number | null) => (unix ? new Date(unix * 1000).toISOString().slice(0, 10) : '');

function InvoiceDialog({
  tenantId,
  invoice,
  onClose,
}: {
  tenantId: string;
  invoice: Invoice | null;
  onClose: () => void;
}) {
  const [lines, setLines] = React.useState<LineDraft[]>(
    invoice?.lines.map((l) => ({
      description: l.description,
      quantity: String(l.quantity),
      unit: major(l.unit_amount),
    })) ?? [{ description: '', quantity: '1', unit: '' }],
  );
  const [currency, setCurrency] = React.useState(invoice?.currency ?? 'usd');
  const [email, setEmail] = React.useState(invoice?.customer_email ?? '');
  const [due, setDue] = React.useState(dateInput(invoice?.due_date ?? null));
  const [notes, setNotes] = React.useState(invoice?.notes ?? '');
  const [reference, setReference] = React.useState(invoice?.external_reference ?? '');
  const [invalid, setInvalid] = React.useState<string | null>(null);
  const save = useSaveInvoice(tenantId);
  const set = (i: number, patch: Partial<LineDraft>) =>
    setLines((ls) => ls.map((l, j) => (j === i ? { ...l, ...patch } : l)));

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const parsed = lines.map((l) => ({
      description: l.description.trim(),
      quantity: Number(l.quantity),
      unit_amount: toMinor(l.unit),
    }));
    if (
      parsed.some(
        (l) =>
          !l.description || !Number.isInteger(l.quantity) || l.quantity < 1 || Number.isNaN(l.unit_amount),
      )
    ) {
      setInvalid('Each line needs a description, a whole quantity and an amount like 12.50.');
      return;
    }
    setInvalid(null);
    const body: InvoiceInput = {
      lines: parsed,
      currency,
      customer_email: email || null,
      due_date: due ? Math.floor(new Date(`${due}T23:59:59Z`).getTime() / 1000) : null,
      notes: notes || null,
      external_reference: reference || null,
    };
    save.mutate({ id: invoice?.id ?? null, body }, { onSuccess: onClose });
  }

  const total = lines.reduce((n, l) => n + (Number(l.quantity) || 0) * (toMinor(l.unit) || 0), 0);
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title={invoice ? 'Edit invoice' : 'New invoice'}
      data-testid="invoice-dialog"
    >
      <form className="space-y-4" onSubmit={submit}>
        {invoice?.payment_link ? (
          <Alert>Saving replaces the link already sent: send the invoice again afterwards.</Alert>
        ) : null}
        <div className="space-y-2">
          {lines.map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity of their own
            <div key={i} className="flex items-end gap-2">
              <div className="flex-1 space-y-1">
                <Label htmlFor={`invoice-line-description-${i}`}>Description</Label>
                <Input
                  id={`invoice-line-description-${i}`}
                  data-testid={`invoice-line-description-${i}`}
                  value={l.description}
                  onChange={(e) => set(i, { description: e.target.value })}
                />
              </div>
              <div className="w-20 space-y-1">
                <Label htmlFor={`invoice-line-quantity-${i}`}>Qty</Label>
                <Input
                  id={`invoice-line-quantity-${i}`}
                  data-testid={`invoice-line-quantity-${i}`}
                  inputMode="numeric"
                  value={l.quantity}
                  onChange={(e) => set(i, { quantity: e.target.value })}
                />
              </div>
              <div className="w-28 space-y-1">
                <Label htmlFor={`invoice-line-amount-${i}`}>Unit price</Label>
                <Input
                  id={`invoice-line-amount-${i}`}
                  data-testid={`invoice-line-amount-${i}`}
                  inputMode="decimal"
                  placeholder="0.00"
                  value={l.unit}
                  onChange={(e) => set(i, { unit: e.target.value })}
                />
              </div>
              <Button
                type="button"
                variant="outline"
                size="sm"
                aria-label="Remove line"
                disabled={lines.length === 1}
                onClick={() => setLines((ls) => ls.filter((_, j) => j !== i))}
              >
                <Trash2 aria-hidden="true" />
              </Button>
            </div>
          ))}
          <Button
            type="button"
            variant="outline"
            size="sm"
            data-testid="invoice-add-line"
            onClick={() => setLines((ls) => [...ls, { description: '', quantity: '1', unit: '' }])}
          >
            <Plus aria-hidden="true" />
            Add line
          </Button>
        </div>
        <div className="grid grid-cols-2 gap-3">
          <SelectField
            id="invoice-currency"
            label="Currency"
            dense
            value={currency}
            onChange={(e) => setCurrency(e.target.value)}
          >
            {['usd', 'eur', 'gbp', 'cad', 'aud'].map((c) => (
              <option key={c} value={c}>
                {c.toUpperCase()}
              </option>
            ))}
          </SelectField>
          <TextField
            id="invoice-due-date"
            label="Due date"
            dense
            type="date"
            value={due}
            onChange={(e) => setDue(e.target.value)}
          />
          <TextField
            id="invoice-email"
            label="Customer email"
            dense
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <TextField
            id="invoice-reference"
            label="Reference"
            dense
            placeholder="Project or client"
            value={reference}
            onChange={(e) => setReference(e.target.value)}
          />
        </div>
        <TextField
          id="invoice-notes"
          label="Notes"
          dense
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
        />
        <p className="text-sm" data-testid="invoice-total">
          Total: {money(total, currency)}
        </p>
        <FormFooter
          error={invalid ?? save.error}
          errorTestId="invoice-error"
          submitLabel={invoice ? 'Save' : 'Create draft'}
          submitTestId="invoice-submit"
          pending={save.isPending}
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}

/** Invoices with their status; `actions` adds a last column of buttons per row (the Invoices page). */
export function InvoicesTable({
  rows,
  actions,
}: {
  rows: Invoice[];
  actions?: (invoice: Invoice) => React.ReactNode;
}) {
  return (
    <Table data-testid="invoices-table">
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Reference</TableHead>
          <TableHead>Customer</TableHead>
          <TableHead>Amount</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>Due</TableHead>
          <TableHead>Created</TableHead>
          {actions ? <TableHead className="text-right">Actions</TableHead> : null}
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((inv) => (
          <TableRow key={inv.id} data-testid={`invoice-row-${inv.id}`} data-status={inv.status}>
            <TableCell>{inv.external_reference ?? inv.lines[0]?.description ?? '—'}</TableCell>
            <TableCell>{inv.customer_email ?? '—'}</TableCell>
            <TableCell>{money(inv.amount_total, inv.currency)}</TableCell>
            <TableCell>
              <Badge variant={statusVariant[inv.status]} data-testid={`invoice-status-${inv.id}`}>
                {inv.status}
              </Badge>
              {inv.last_payment_failure && inv.editable ? (
                <span
                  className="ml-2 text-xs text-destructive"
                  data-testid={`invoice-failure-${inv.id}`}
                  title={inv.last_payment_failure.message ?? undefined}
                >
                  last attempt failed
                </span>
              ) : null}
            </TableCell>
            <TableCell className="text-muted-foreground">
              {inv.due_date ? formatTimestamp(inv.due_date) : '—'}
            </TableCell>
            <TableCell className="text-muted-foreground">{formatTimestamp(inv.created)}</TableCell>
            {actions ? (
              <TableCell>
                <div className="flex justify-end gap-2">{actions(inv)}</div>
              </TableCell>
            ) : null}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function InvoicesPage({ tenantId }: { tenantId: string }) {
  const role = useTenantRole(tenantId);
  const manage = canManage(role);
  const toast = useToast();
  const pagination = useCursorPagination(25);
  const [status, setStatus] = React.useState('');
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
      <Select
        className="mb-4 max-w-xs"
        aria-label="Status"
        data-testid="invoices-filter-status"
        value={status}
        onChange={(e) => {
          setStatus(e.target.value);
          pagination.reset();
        }}
      >
        <option value="">All statuses</option>
        {Object.keys(statusVariant).map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </Select>
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
