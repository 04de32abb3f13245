import type * as React from 'react';
import type { SupportCustomer } from '@/api/support';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader, CardTitle } from '@/components/ui/card';
import { formatMoney } from '@/lib/money';
import { CopyId } from './copy-id';
import {
  day,
  disputeInWords,
  paymentInWords,
  refundInWords,
  statusVariant,
  subscriptionInWords,
} from './words';

/** A status chip: its words, coloured by how it stands. */
export function StatusChip({ status, testId }: { status: string; testId?: string }) {
  return (
    <Badge variant={statusVariant(status)} data-testid={testId} data-status={status}>
      {status.replaceAll('_', ' ')}
    </Badge>
  );
}

interface Row {
  id: string;
  status: string;
  words: React.ReactNode;
  ids: (string | null)[];
  extra?: React.ReactNode;
}

/** One kind of the customer's objects, each a line in words with its status and ids; "None" when empty. */
function Section({ title, kind, rows }: { title: string; kind: string; rows: Row[] }) {
  return (
    <Card data-testid={`support-${kind}`}>
      <CardHeader className="py-3">
        <CardTitle>
          {title} <span className="font-normal text-muted-foreground">({rows.length})</span>
        </CardTitle>
      </CardHeader>
      {rows.length === 0 ? (
        <p className="px-5 py-3 text-sm text-muted-foreground">None.</p>
      ) : (
        <ul className="divide-y">
          {rows.map((r) => (
            <li key={r.id} className="space-y-1 px-5 py-3 text-sm" data-testid={`support-${kind}-${r.id}`}>
              <div className="flex flex-wrap items-start gap-2">
                <StatusChip status={r.status} />
                <p className="min-w-0 flex-1" data-testid={`support-words-${r.id}`}>
                  {r.words}
                </p>
              </div>
              <div className="flex flex-wrap gap-x-3 gap-y-1">
                {r.ids
                  .filter((id): id is string => id !== null)
                  .map((id) => (
                    <CopyId key={id} id={id} />
                  ))}
                {r.extra}
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

const link = (href: string | null, label: string) =>
  href ? (
    <a href={href} target="_blank" rel="noreferrer" className="text-xs text-primary hover:underline">
      {label}
    </a>
  ) : null;

/** The customer's payments, subscriptions, invoices, refunds, disputes and saved cards. */
export function CustomerSections({ data }: { data: SupportCustomer }) {
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Section
        title="Refunds"
        kind="refunds"
        rows={data.refunds.map((r) => ({
          id: r.id,
          status: r.status,
          words: refundInWords(r),
          ids: [r.id, r.stripe_id],
          extra: r.arn ? (
            <span
              className="inline-flex items-center gap-1 text-xs font-medium"
              data-testid={`support-arn-${r.id}`}
            >
              ARN <CopyId id={r.arn} label="ARN" />
            </span>
          ) : null,
        }))}
      />
      <Section
        title="Disputes"
        kind="disputes"
        rows={data.disputes.map((d) => ({
          id: d.id,
          status: d.status,
          words: disputeInWords(d),
          ids: [d.id, d.stripe_id],
          extra: d.evidence_due_by ? (
            <span className="text-xs text-muted-foreground" data-testid={`support-due-${d.id}`}>
              Evidence due {day(d.evidence_due_by)}
            </span>
          ) : null,
        }))}
      />
      <Section
        title="Payments"
        kind="payments"
        rows={data.payments.map((p) => ({
          id: p.id,
          status: p.status,
          words: paymentInWords(p),
          ids: [p.id, p.stripe_payment_intent_id],
          extra: (
            <>
              {p.fee ? (
                <span className="text-xs text-muted-foreground">
                  fees {formatMoney(p.fee.stripe + p.fee.application, p.currency)}
                  {p.net !== null ? `, net ${formatMoney(p.net, p.currency)}` : ''}
                </span>
              ) : null}
              {link(p.receipt_url, 'Receipt')}
            </>
          ),
        }))}
      />
      <Section
        title="Subscriptions"
        kind="subscriptions"
        rows={data.subscriptions.map((s) => ({
          id: s.id,
          status: s.status,
          words: subscriptionInWords(s),
          ids: [s.id, s.stripe_id],
          extra: s.plan ? (
            <span className="text-xs text-muted-foreground">
              {formatMoney(s.plan.unit_amount * s.quantity, s.plan.currency)} every{' '}
              {s.plan.interval_count > 1 ? `${s.plan.interval_count} ${s.plan.interval}s` : s.plan.interval}
            </span>
          ) : null,
        }))}
      />
      <Section
        title="Invoices"
        kind="invoices"
        rows={data.invoices.map((i) => ({
          id: i.id,
          status: i.status,
          words: `${i.number ?? 'Invoice'} of ${formatMoney(i.amount_due, i.currency)} made ${day(i.created)}, ${formatMoney(i.amount_paid, i.currency)} paid`,
          ids: [i.id],
          extra: link(i.url, 'Open invoice'),
        }))}
      />
      <Section
        title="Saved cards"
        kind="cards"
        rows={data.payment_methods.map((m) => ({
          id: m.id,
          status: m.type,
          words: `${m.brand ?? m.type} ···· ${m.last4 ?? '????'}${m.exp_month ? `, expires ${String(m.exp_month).padStart(2, '0')}/${m.exp_year}` : ''}`,
          ids: [m.id],
        }))}
      />
    </div>
  );
}
