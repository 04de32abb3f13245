import type { BillingInvoice, BillingPeriod } from '@/api/billing-account';
import { Badge } from '@/components/ui/badge';
import { formatMoney } from '@/lib/money';
import { formatTimestamp } from '@/lib/utils';

// One plan invoice's lines (what was billed, for which period, a proration marked as one) and its taxes.

export const periodText = (p: BillingPeriod | null) =>
  p ? `${formatTimestamp(p.start, false)} – ${formatTimestamp(p.end, false)}` : '—';

/**
 * The period an invoice bills: from its lines' periods (Stripe's own `period` of a subscription's first invoice
 * starts and ends at its creation), else the invoice's.
 */
export function servicePeriod(invoice: BillingInvoice): BillingPeriod | null {
  const periods = invoice.lines.flatMap((l) => (l.period ? [l.period] : []));
  if (periods.length === 0) return invoice.period;
  return {
    start: Math.min(...periods.map((p) => p.start)),
    end: Math.max(...periods.map((p) => p.end)),
  };
}

export function InvoiceLines({ invoice }: { invoice: BillingInvoice }) {
  return (
    <div className="space-y-2 px-2 py-1 text-sm" data-testid={`billing-invoice-lines-${invoice.id}`}>
      <ul className="divide-y">
        {invoice.lines.map((l) => (
          <li key={l.id} className="flex items-start justify-between gap-4 py-1.5" data-testid="billing-line">
            <div>
              <p className="flex items-center gap-2">
                {l.description ?? 'Line item'}
                {l.proration ? (
                  <Badge variant="secondary" data-testid="billing-line-proration">
                    Proration
                  </Badge>
                ) : null}
              </p>
              <p className="text-xs text-muted-foreground">
                {periodText(l.period)}
                {l.quantity !== null && l.quantity !== 1 ? ` · quantity ${l.quantity}` : ''}
              </p>
            </div>
            <span className="tabular-nums">{formatMoney(l.amount, l.currency)}</span>
          </li>
        ))}
      </ul>
      {invoice.taxes.length > 0 ? (
        <ul className="border-t pt-1.5 text-muted-foreground" data-testid="billing-invoice-taxes">
          {invoice.taxes.map((t, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a tax line has no id of its own
            <li key={i} className="flex justify-between gap-4 py-0.5">
              <span>
                Tax{t.taxable_amount !== null ? ` on ${formatMoney(t.taxable_amount, invoice.currency)}` : ''}
                {t.tax_behavior === 'inclusive' ? ' (included)' : ''}
              </span>
              <span className="tabular-nums">{formatMoney(t.amount, invoice.currency)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <p className="flex justify-between gap-4 border-t pt-1.5 font-medium">
        <span>Total</span>
        <span className="tabular-nums">{formatMoney(invoice.total, invoice.currency)}</span>
      </p>
    </div>
  );
}
