import { Plus, Trash2 } from 'lucide-react';
import * as React from 'react';
import { type Invoice, type InvoiceInput, useSaveInvoice } from '@/api/invoices';
import { SelectField, TextField } from '@/components/form-field';
import { FormFooter } from '@/components/form-footer';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { commonCurrencies, formatMoney, toMinor } from '@/lib/money';

interface LineDraft {
  description: string;
  quantity: string;
  unit: string;
}

const major = (minor: number) => (minor / 100).toFixed(2);
const dateInput = (unix: number | null) => (unix ? new Date(unix * 1000).toISOString().slice(0, 10) : '');

/** Creates a draft (`invoice` null) or edits one; amounts are typed in major units. */
export function InvoiceDialog({
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
            {commonCurrencies.map((c) => (
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
          Total: {formatMoney(total, currency)}
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
