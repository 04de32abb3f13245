import * as React from 'react';
import { errorMessage } from '@/api/client';
import { type DunningAction, type DunningCase, useDunningAction, useDunningCase } from '@/api/dunning';
import { DetailRow } from '@/components/detail-row';
import { TextAreaField, TextField } from '@/components/form-field';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { ErrorState, LoadingBlock } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { formatMoney } from '@/lib/money';
import { formatTimestamp } from '@/lib/utils';
import { PhaseBadge } from './phase-badge';

type Mode = 'view' | DunningAction['action'];

const outcomes = {
  pending: 'Pending',
  succeeded: 'Paid',
  failed: 'Declined',
  unavailable: 'Stripe unavailable',
};

/** One case: its dates and attempts, and retry now, extend and mark paid, each confirmed first. */
export function CaseDialog({ id, onClose }: { id: string; onClose: () => void }) {
  const c = useDunningCase(id);
  const [mode, setMode] = React.useState<Mode>('view');
  const title = c.data ? `Dunning: ${c.data.tenant.name}` : 'Dunning case';
  return (
    <Dialog open onOpenChange={onClose} title={title} className="max-w-2xl" data-testid="dunning-case">
      {c.isPending ? (
        <LoadingBlock label="Loading the case" />
      ) : c.error ? (
        <ErrorState error={c.error} onRetry={() => void c.refetch()} />
      ) : mode === 'view' ? (
        <CaseView c={c.data} onAction={setMode} />
      ) : (
        <ActionForm c={c.data} action={mode} onDone={() => setMode('view')} />
      )}
    </Dialog>
  );
}

function CaseView({ c, onAction }: { c: DunningCase; onAction: (m: Mode) => void }) {
  const open = c.phase !== 'closed';
  return (
    <>
      <dl className="divide-y">
        <DetailRow label="Phase">
          <PhaseBadge phase={c.phase} />
        </DetailRow>
        <DetailRow label="Owed" testId="dunning-case-owed">
          {formatMoney(c.amount_owed, c.currency)}
        </DetailRow>
        <DetailRow label="Invoice">
          <span className="font-mono text-xs">{c.invoice}</span>
        </DetailRow>
        <DetailRow label="Failed on">{formatTimestamp(c.opened_at)}</DetailRow>
        {open ? (
          <>
            <DetailRow label="Next attempt">
              {c.next_attempt_at ? formatTimestamp(c.next_attempt_at) : 'None left'}
            </DetailRow>
            <DetailRow label="Suspension" testId="dunning-case-suspend-at">
              {formatTimestamp(c.suspend_at)}
            </DetailRow>
            {c.final_at ? <DetailRow label="Final action">{formatTimestamp(c.final_at)}</DetailRow> : null}
          </>
        ) : (
          <DetailRow label="Closed" testId="dunning-case-closed">
            {c.outcome === 'recovered' ? 'Paid' : c.outcome} {formatTimestamp(c.closed_at)}
          </DetailRow>
        )}
        <DetailRow label="Scheduled attempts">
          {c.attempts_made} of {c.attempts_total}
        </DetailRow>
      </dl>
      <h3 className="mt-4 mb-2 text-sm font-semibold">Attempts</h3>
      {c.attempts?.length ? (
        <Table data-testid="dunning-attempts">
          <TableHeadings columns={['When', 'Attempt', 'Payment method', 'Outcome', 'Reason']} />
          <TableBody>
            {c.attempts.map((a) => (
              <TableRow key={`${a.number}-${a.payment_method}-${a.at}`}>
                <TableCell>{formatTimestamp(a.at)}</TableCell>
                <TableCell>{a.scheduled ? `${a.number} of ${c.attempts_total}` : 'Extra'}</TableCell>
                <TableCell className="font-mono text-xs">{a.payment_method}</TableCell>
                <TableCell>{outcomes[a.outcome]}</TableCell>
                <TableCell>{[a.decline_code, a.advice_code].filter(Boolean).join(', ') || '—'}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : (
        <p className="text-sm text-muted-foreground">No attempt yet: the first is on the schedule above.</p>
      )}
      {open ? (
        <DialogFooter>
          <Button variant="outline" data-testid="dunning-retry" onClick={() => onAction('retry')}>
            Retry now
          </Button>
          {c.phase !== 'suspended' ? (
            <Button variant="outline" data-testid="dunning-extend" onClick={() => onAction('extend')}>
              Extend
            </Button>
          ) : null}
          <Button data-testid="dunning-mark-paid" onClick={() => onAction('mark_paid')}>
            Mark paid
          </Button>
        </DialogFooter>
      ) : null}
    </>
  );
}

const asks = {
  retry: (c: DunningCase) =>
    `Charge ${formatMoney(c.amount_owed, c.currency)} now to ${c.tenant.name}'s saved payment methods, the default first.`,
  extend: (c: DunningCase) =>
    `Move ${c.tenant.name}'s remaining retries and its suspension (now ${formatTimestamp(c.suspend_at)}) later.`,
  mark_paid: (c: DunningCase) =>
    `Record invoice ${c.invoice} (${formatMoney(c.amount_owed, c.currency)}) as paid outside Stripe, for example by bank transfer. Nothing is charged; ${c.tenant.name} is active again at once.`,
};
const confirmLabels = { retry: 'Retry now', extend: 'Extend', mark_paid: 'Mark paid' };

function ActionForm({
  c,
  action,
  onDone,
}: {
  c: DunningCase;
  action: DunningAction['action'];
  onDone: () => void;
}) {
  const run = useDunningAction(c.id);
  const [days, setDays] = React.useState('7');
  const [note, setNote] = React.useState('');
  const n = Number(days);
  const daysOk = Number.isInteger(n) && n >= 1 && n <= 30;
  const noteOk = action === 'retry' || note.trim().length > 0;
  const submit = () => {
    const body: DunningAction =
      action === 'retry'
        ? { action }
        : action === 'extend'
          ? { action, days: n, note: note.trim() }
          : { action, note: note.trim() };
    run.mutate(body, { onSuccess: onDone });
  };
  return (
    <div data-testid={`dunning-confirm-${action}`}>
      <p className="text-sm">{asks[action](c)}</p>
      <div className="mt-4 space-y-3">
        {action === 'extend' ? (
          <TextField
            id="dunning-extend-days"
            label="Days (1 to 30)"
            type="number"
            min={1}
            max={30}
            value={days}
            onChange={(e) => setDays(e.target.value)}
          />
        ) : null}
        {action !== 'retry' ? (
          <TextAreaField
            id="dunning-note"
            label="Note (kept in the tenant's audit log)"
            rows={2}
            maxLength={500}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
        ) : null}
      </div>
      {run.error ? (
        <Alert variant="destructive" className="mt-4" data-testid="dunning-action-error">
          {errorMessage(run.error)}
        </Alert>
      ) : null}
      <DialogFooter>
        <Button variant="outline" onClick={onDone}>
          Back
        </Button>
        <Button
          data-testid="dunning-confirm"
          loading={run.isPending}
          disabled={!noteOk || (action === 'extend' && !daysOk)}
          onClick={submit}
        >
          {confirmLabels[action]}
        </Button>
      </DialogFooter>
    </div>
  );
}
