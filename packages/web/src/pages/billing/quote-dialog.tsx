import { ExternalLink } from 'lucide-react';
import * as React from 'react';
import type { TenantBilling } from '@/api/billing';
import { errorMessage, isApiError } from '@/api/client';
import {
  type PlanChange,
  type Quote,
  useAcceptQuote,
  useBillingChanged,
  useCreateQuote,
} from '@/api/plan-change';
import { Alert } from '@/components/ui/alert';
import { Button, buttonVariants } from '@/components/ui/button';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { LoadingBlock } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { formatMoney } from '@/lib/money';
import { formatTimestamp } from '@/lib/utils';
import { periodText } from './invoice-lines';
import { type Choice, intervalWord } from './plan-matrix';

// Choosing a plan: a binding quote first (what is charged now, line by line, and when the plan changes), then
// its acceptance. A quote holds 15 minutes and once; when it no longer holds, or the payment is refused, the
// dialog says why and gets a fresh one.

/** As the server decides: a change whose effective time is not after its proration date applies now. */
const isImmediate = (q: Quote) => q.effective_at <= q.proration_date;

/** An acceptance refused, in words; `fresh`: a new quote is the way on. */
function refusal(err: unknown, q: Quote): { text: string; fresh: boolean } {
  const due = formatMoney(q.amount_due, q.currency);
  if (isApiError(err, 'quote_expired'))
    return { text: 'This quote has expired: a quote holds for 15 minutes. Get a new one.', fresh: true };
  if (isApiError(err, 'quote_used'))
    return {
      text: 'This quote was already used: your plan may have changed already. Check your plan above, or get a new quote.',
      fresh: true,
    };
  if (isApiError(err, 'quote_changed'))
    return {
      text: 'Your subscription or balance changed since this quote was made, so its price no longer holds. Nothing was charged. Get a new quote.',
      fresh: true,
    };
  if (isApiError(err, 'card_required'))
    return {
      text: `${q.amount_due > 0 ? `Paying ${due} now` : 'This plan'} needs a card as your default payment method. Add one under Payment methods, then get a new quote.`,
      fresh: true,
    };
  if (isApiError(err, 'plan_payment_failed'))
    return {
      text: `The payment of ${due} was declined (${errorMessage(err)}). Your plan has not changed. Use another card, then get a new quote.`,
      fresh: true,
    };
  return { text: errorMessage(err), fresh: false };
}

function Timing({ q, billing, choice }: { q: Quote; billing: TenantBilling; choice: Choice }) {
  const due = formatMoney(q.amount_due, q.currency);
  const target = `${q.plan.name} (${intervalWord(q.interval)})`;
  if (isImmediate(q))
    return (
      <p data-testid="quote-timing">
        Your plan changes to {target} as soon as you confirm.{' '}
        {q.amount_due > 0
          ? `${due} is charged now to your default payment method.`
          : 'Nothing is charged now.'}
      </p>
    );
  const price = choice.plan.prices.find(
    (p) => p.active && p.currency === q.currency && p.interval === q.interval,
  );
  const on = formatTimestamp(q.effective_at, false);
  return (
    <p data-testid="quote-timing">
      {target} takes effect on {on}, at the end of your current period; you keep{' '}
      {billing.plan?.name ?? 'your plan'} until then. Nothing is charged now
      {price ? `; from ${on} you pay ${formatMoney(price.unit_amount, q.currency)} a ${q.interval}` : ''}.
    </p>
  );
}

function QuoteBody({ q, billing, choice }: { q: Quote; billing: TenantBilling; choice: Choice }) {
  return (
    <div className="space-y-4 text-sm" data-testid="quote">
      {q.lines.length > 0 ? (
        <ul className="divide-y rounded-md border px-3">
          {q.lines.map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a quote's lines have no id of their own
            <li key={i} className="flex items-start justify-between gap-4 py-2" data-testid="quote-line">
              <div>
                <p>{l.description ?? 'Line item'}</p>
                <p className="text-xs text-muted-foreground">{periodText(l.period)}</p>
              </div>
              <span className="tabular-nums" data-testid="quote-line-amount">
                {formatMoney(l.amount, l.currency)}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      <p className="flex justify-between gap-4 font-medium">
        <span>Due now</span>
        <span className="tabular-nums" data-testid="quote-amount-due">
          {formatMoney(q.amount_due, q.currency)}
        </span>
      </p>
      <Timing q={q} billing={billing} choice={choice} />
      <p className="text-xs text-muted-foreground" data-testid="quote-expires">
        This price holds until {formatTimestamp(q.expires_at)}.
      </p>
    </div>
  );
}

/** The payment needs the bank's confirmation (3-D Secure) on Stripe's page; the plan changes once it is done. */
function ConfirmPayment({ change, q }: { change: PlanChange; q: Quote }) {
  return (
    <Alert variant="warning" title="Confirm the payment with your bank" data-testid="quote-requires-action">
      <p>
        Your bank asks you to confirm the payment of {formatMoney(q.amount_due, q.currency)}. Your plan
        changes to {q.plan.name} when you complete it on Stripe's page.
      </p>
      {change.url ? (
        <a
          href={change.url}
          target="_blank"
          rel="noreferrer"
          className={buttonVariants({ size: 'sm', className: 'mt-2' })}
          data-testid="quote-3ds-link"
        >
          Confirm the payment <ExternalLink aria-hidden="true" />
        </a>
      ) : null}
    </Alert>
  );
}

export function QuoteDialog({
  tenantId,
  billing,
  choice,
  onClose,
}: {
  tenantId: string;
  billing: TenantBilling;
  choice: Choice;
  onClose: () => void;
}) {
  const toast = useToast();
  const create = useCreateQuote(tenantId);
  const accept = useAcceptQuote(tenantId);
  const [, rerender] = React.useReducer((n: number) => n + 1, 0);
  const fresh = React.useCallback(() => {
    accept.reset();
    // the currency only for a first paid plan: a plan change keeps the tenant's
    const currency = billing.currency === null ? choice.currency : undefined;
    create.mutate({ plan: choice.plan.id, interval: choice.interval, currency });
  }, [accept.reset, create.mutate, choice, billing.currency]);
  const asked = React.useRef(false);
  React.useEffect(() => {
    if (asked.current) return;
    asked.current = true;
    fresh();
  }, [fresh]);

  const q = create.data;
  // the quote's expiry passing while it is shown turns Confirm into "Get a new quote"
  React.useEffect(() => {
    if (!q) return;
    const ms = q.expires_at * 1000 - Date.now();
    if (ms <= 0) return;
    const timer = setTimeout(rerender, ms + 50);
    return () => clearTimeout(timer);
  }, [q]);
  const expired = q ? q.expires_at * 1000 <= Date.now() : false;
  const change = accept.data;
  const refused = accept.error && q ? refusal(accept.error, q) : null;

  const confirm = () => {
    if (!q) return;
    accept.mutate(q.id, {
      onSuccess: (r) => {
        if (r.status === 'applied') {
          toast({
            title: `Your plan is now ${r.billing.plan?.name ?? q.plan.name}`,
            description: r.invoice
              ? `${formatMoney(r.invoice.amount_paid, r.invoice.currency)} charged.`
              : undefined,
          });
          onClose();
        } else if (r.status === 'scheduled') {
          toast({
            title: `${q.plan.name} takes effect on ${formatTimestamp(q.effective_at, false)}`,
            description: 'Nothing was charged. You keep your current plan until then.',
          });
          onClose();
        }
      },
    });
  };

  const label = !q
    ? 'Confirm'
    : !isImmediate(q)
      ? `Change on ${formatTimestamp(q.effective_at, false)}`
      : q.amount_due > 0
        ? `Pay ${formatMoney(q.amount_due, q.currency)} and change`
        : 'Change plan';
  const done = change?.status === 'requires_action';
  // waiting for the bank: the plan is read again until the change is in (Stripe's event moves it)
  const reread = useBillingChanged(tenantId);
  const arrived = done && q !== undefined && billing.plan?.id === q.plan.id;
  React.useEffect(() => {
    if (!done || arrived) return;
    const timer = setInterval(() => void reread(null), 3000);
    return () => clearInterval(timer);
  }, [done, arrived, reread]);
  React.useEffect(() => {
    if (!arrived || !q) return;
    toast({ title: `Your plan is now ${q.plan.name}`, description: 'The payment was confirmed.' });
    onClose();
  }, [arrived, q, toast, onClose]);
  return (
    <Dialog
      open
      onOpenChange={onClose}
      title={`Change to ${choice.plan.name}`}
      description={`Billed ${intervalWord(choice.interval)}. Review what changes before you confirm.`}
      data-testid="quote-dialog"
    >
      {create.isPending ? (
        <LoadingBlock label="Pricing the change" />
      ) : create.error ? (
        <Alert variant="destructive" data-testid="quote-create-error">
          {errorMessage(create.error)}
        </Alert>
      ) : q ? (
        <QuoteBody q={q} billing={billing} choice={choice} />
      ) : null}
      {expired && !change ? (
        <Alert variant="warning" className="mt-4" data-testid="quote-expired">
          This quote has expired: a quote holds for 15 minutes. Get a new one.
        </Alert>
      ) : null}
      {refused ? (
        <Alert variant="destructive" className="mt-4" data-testid="quote-error">
          {refused.text}
        </Alert>
      ) : null}
      {change && q && done ? <ConfirmPayment change={change} q={q} /> : null}
      <DialogFooter>
        <Button variant="outline" onClick={onClose} data-testid="quote-close">
          {done ? 'Close' : 'Cancel'}
        </Button>
        {done ? null : create.error || expired || refused?.fresh ? (
          <Button data-testid="quote-refresh" loading={create.isPending} onClick={fresh}>
            Get a new quote
          </Button>
        ) : (
          <Button data-testid="quote-confirm" disabled={!q} loading={accept.isPending} onClick={confirm}>
            {label}
          </Button>
        )}
      </DialogFooter>
    </Dialog>
  );
}
