import * as React from 'react';
import { type Invoice, type InvoiceInput, useSaveInvoice } from '@/api/invoices';
import { type CustomerChoice, CustomerPicker } from '@/components/customer-picker';
import { EditableRows } from '@/components/editable-rows';
import { FormDialog } from '@/components/form-dialog';
import { CurrencyField, TextField } from '@/components/form-field';
import { Alert } from '@/components/ui/alert';
import { useFormFields } from '@/components/use-form-fields';
import { formatMajor, formatMoney, parseMoney } from '@/lib/money';

interface LineDraft {
  description: string;
  quantity: string;
  unit: string;
}

/** A line's inputs, left to right: the draft field, its test id's word, label, width and keyboard. */
const lineColumns = [
  { key: 'description', testId: 'description', label: 'Description', className: 'flex-1' },
  { key: 'quantity', testId: 'quantity', label: 'Qty', className: 'w-20', inputMode: 'numeric' },
  {
    key: 'unit',
    testId: 'amount',
    label: 'Unit price',
    className: 'w-28',
    inputMode: 'decimal',
    placeholder: '0.00',
  },
] as const satisfies readonly {
  key: keyof LineDraft;
  testId: string;
  label: string;
  className: string;
  inputMode?: 'numeric' | 'decimal';
  placeholder?: string;
}[];

const blankLine: LineDraft = { description: '', quantity: '1', unit: '' };
const dateInput = (unix: number | null) => (unix ? new Date(unix * 1000).toISOString().slice(0, 10) : '');

/** Creates a draft (`invoice` null) or edits one; amounts are typed in major units of the chosen currency. */
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
      unit: formatMajor(l.unit_amount, invoice.currency),
    })) ?? [blankLine],
  );
  const { values, field } = useFormFields('invoice', {
    currency: invoice?.currency ?? 'usd',
    dueDate: dateInput(invoice?.due_date ?? null),
    notes: invoice?.notes ?? '',
    reference: invoice?.external_reference ?? '',
  });
  const [customer, setCustomer] = React.useState<CustomerChoice>({
    customer: invoice?.customer ? { id: invoice.customer, email: invoice.customer_email, name: null } : null,
    text: invoice?.customer ? '' : (invoice?.customer_email ?? ''),
  });
  const save = useSaveInvoice(tenantId);
  const { currency } = values;

  function submit() {
    const parsed = lines.map((l) => ({
      description: l.description.trim(),
      quantity: Number(l.quantity),
      unit_amount: parseMoney(l.unit, currency),
    }));
    const valid = parsed.flatMap(({ unit_amount, ...l }) =>
      l.description && Number.isInteger(l.quantity) && l.quantity >= 1 && unit_amount !== null
        ? [{ ...l, unit_amount }]
        : [],
    );
    if (valid.length < parsed.length)
      return `Each line needs a description, a whole quantity and an amount like ${formatMajor(1250, currency)}.`;
    const email = customer.customer ? (customer.customer.email ?? '') : customer.text.trim();
    const optional = {
      customer: customer.customer?.id ?? '',
      customer_email: email,
      due_date: values.dueDate ? Math.floor(new Date(`${values.dueDate}T23:59:59Z`).getTime() / 1000) : '',
      notes: values.notes.trim(),
      external_reference: values.reference.trim(),
    };
    // a new invoice leaves out what is empty; an edit clears it with null
    const body: InvoiceInput = { lines: valid, currency };
    for (const [key, value] of Object.entries(optional) as [keyof typeof optional, string | number][]) {
      if (value !== '') Object.assign(body, { [key]: value });
      else if (invoice) Object.assign(body, { [key]: null });
    }
    save.mutate({ id: invoice?.id ?? null, body }, { onSuccess: onClose });
  }

  const total = lines.reduce(
    (n, l) => n + (Number(l.quantity) || 0) * (parseMoney(l.unit, currency) ?? 0),
    0,
  );
  return (
    <FormDialog
      name="invoice"
      title={invoice ? 'Edit invoice' : 'New invoice'}
      submission={save}
      submitLabel={invoice ? 'Save' : 'Create draft'}
      onSubmit={submit}
      onClose={onClose}
    >
      {invoice?.payment_link ? (
        <Alert>Saving replaces the link already sent: send the invoice again afterwards.</Alert>
      ) : null}
      <EditableRows
        rows={lines}
        onChange={setLines}
        blank={blankLine}
        addLabel="Add line"
        addTestId="invoice-add-line"
        removeLabel="Remove line"
        minRows={1}
        rowClassName="flex items-end gap-2"
      >
        {(line, set, i) =>
          lineColumns.map(({ key, testId, className, ...input }) => (
            <TextField
              key={key}
              id={`invoice-line-${testId}-${i}`}
              dense
              fieldClassName={className}
              {...input}
              value={line[key]}
              onChange={(e) => set({ ...line, [key]: e.target.value })}
            />
          ))
        }
      </EditableRows>
      <div className="grid grid-cols-2 gap-3">
        <CurrencyField label="Currency" dense {...field('currency')} />
        <TextField
          label="Due date"
          dense
          type="date"
          min={new Date().toISOString().slice(0, 10)}
          {...field('dueDate')}
        />
        <TextField label="Reference" dense placeholder="Project or client" {...field('reference')} />
      </div>
      <CustomerPicker
        tenantId={tenantId}
        id="invoice-email"
        value={customer}
        onChange={setCustomer}
        hint="Find a customer by name or e-mail, or type an e-mail: the invoice goes to the customer with it (made if none)."
      />
      <TextField label="Notes" dense {...field('notes')} />
      <p className="text-sm" data-testid="invoice-total">
        Total: {formatMoney(total, currency)}
      </p>
    </FormDialog>
  );
}
