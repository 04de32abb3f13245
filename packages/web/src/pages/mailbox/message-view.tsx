import * as React from 'react';
import { type Notification, useResendNotification } from '@/api/notifications';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { useToast } from '@/components/ui/toast';
import { cn } from '@/lib/utils';
import { NotificationStatusBadge } from './status-badge';

function HeaderRow({ name, value }: { name: string; value: string | null }) {
  return (
    <div className="grid grid-cols-[7rem_1fr] gap-2 py-1 text-sm">
      <dt className="text-muted-foreground">{name}</dt>
      <dd className="min-w-0 break-all font-mono text-xs leading-5" data-testid={`mail-header-${name}`}>
        {value ?? '—'}
      </dd>
    </div>
  );
}

/**
 * One e-mail exactly as it went out: its headers, the HTML part in an iframe that may run nothing (an empty
 * `sandbox`: no scripts, no forms, no navigation of this page, its own opaque origin), and the text part.
 */
export function MessageView({ message, canResend }: { message: Notification; canResend: boolean }) {
  const [part, setPart] = React.useState<'html' | 'text'>('html');
  const [confirming, setConfirming] = React.useState(false);
  const resend = useResendNotification();
  const toast = useToast();
  const h = message.headers;
  const resendable = message.status === 'sent' || message.status === 'failed';
  return (
    <div className="space-y-4" data-testid="mail-message" data-id={message.id}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <h2 className="min-w-0 text-lg font-semibold break-words" data-testid="mail-subject">
          {message.subject}
        </h2>
        {canResend && resendable ? (
          <Button variant="outline" size="sm" onClick={() => setConfirming(true)} data-testid="mail-resend">
            Resend
          </Button>
        ) : null}
      </div>
      <dl className="rounded-md border px-3 py-2">
        <HeaderRow name="From" value={h.from} />
        <HeaderRow name="To" value={h.to.join(', ')} />
        <HeaderRow name="Reply-To" value={h.reply_to} />
        <HeaderRow name="Subject" value={h.subject} />
        <HeaderRow name="Message-ID" value={h.message_id} />
        <HeaderRow name="Date" value={h.date} />
        {Object.entries(h.other).map(([name, value]) => (
          <HeaderRow key={name} name={name} value={value} />
        ))}
      </dl>
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <NotificationStatusBadge status={message.status} />
        <span className="text-muted-foreground" data-testid="mail-attempts">
          {message.attempts} {message.attempts === 1 ? 'attempt' : 'attempts'}
        </span>
        {message.resend_count > 0 ? (
          <span className="text-muted-foreground" data-testid="mail-resent">
            resent {message.resend_count === 1 ? 'once' : `${message.resend_count} times`}
          </span>
        ) : null}
        <span className="text-muted-foreground">{message.template}</span>
      </div>
      {message.last_error ? (
        <Alert variant="destructive" title="Last error" data-testid="mail-last-error">
          {message.last_error}
        </Alert>
      ) : null}
      <div>
        <div role="tablist" aria-label="Part" className="mb-2 flex gap-1">
          {(['html', 'text'] as const).map((p) => (
            <button
              key={p}
              type="button"
              role="tab"
              aria-selected={part === p}
              onClick={() => setPart(p)}
              data-testid={`mail-part-${p}`}
              className={cn(
                'rounded-md px-2.5 py-1 text-sm font-medium text-muted-foreground hover:bg-muted',
                part === p && 'bg-accent text-accent-foreground',
              )}
            >
              {p === 'html' ? 'HTML' : 'Text'}
            </button>
          ))}
        </div>
        {part === 'html' ? (
          <iframe
            title={`E-mail: ${message.subject}`}
            sandbox=""
            srcDoc={message.html}
            referrerPolicy="no-referrer"
            className="h-[32rem] w-full rounded-md border bg-white"
            data-testid="mail-html"
          />
        ) : (
          <pre
            className="max-h-[32rem] overflow-auto rounded-md border bg-muted/40 p-3 font-mono text-xs whitespace-pre-wrap"
            data-testid="mail-text"
          >
            {message.text}
          </pre>
        )}
      </div>
      <ConfirmDialog
        open={confirming}
        title="Send this e-mail again?"
        description={`The same e-mail, with the same Message-ID, goes to ${message.recipients.join(', ')} once more.`}
        confirmLabel="Resend"
        pending={resend.isPending}
        error={resend.error}
        testId="mail-resend-confirm"
        onCancel={() => {
          setConfirming(false);
          resend.reset();
        }}
        onConfirm={() =>
          resend.mutate(message, {
            onSuccess: () => {
              setConfirming(false);
              toast({ title: 'E-mail queued to be sent again', description: message.subject });
            },
          })
        }
      />
    </div>
  );
}
