import * as React from 'react';
import { errorMessage } from '@/api/client';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { cn } from '@/lib/utils';

/** What a form dialog shows of the request it sends. */
interface Submission {
  error: unknown;
  isPending: boolean;
}

/**
 * A dialog holding one form: its fields, then what went wrong, Cancel and the submit button. `onSubmit` checks
 * the fields first: a string it returns says what is wrong, shown instead of the request's error. `name` makes the test ids: `<name>-dialog`,
 * `<name>-error`, `<name>-submit` (`data-testid` overrides the dialog's). Closing it (Cancel, Escape, the backdrop) calls `onClose`.
 */
export function FormDialog({
  name,
  title,
  description,
  className,
  formClassName,
  noValidate,
  submission,
  submitLabel,
  disabled,
  onSubmit,
  onClose,
  children,
  'data-testid': testId,
}: {
  name: string;
  title: string;
  description?: React.ReactNode;
  className?: string;
  formClassName?: string;
  noValidate?: boolean;
  submission: Submission;
  submitLabel: string;
  disabled?: boolean;
  onSubmit: () => unknown;
  onClose: () => void;
  children: React.ReactNode;
  'data-testid'?: string;
}) {
  const [invalid, setInvalid] = React.useState<string | null>(null);
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title={title}
      description={description}
      className={className}
      data-testid={testId ?? `${name}-dialog`}
    >
      <form
        className={cn('space-y-4', formClassName)}
        noValidate={noValidate}
        onSubmit={async (e) => {
          e.preventDefault();
          const problem = await onSubmit();
          setInvalid(typeof problem === 'string' ? problem : null);
        }}
      >
        {children}
        <FormFooter
          error={invalid ?? submission.error}
          errorTestId={`${name}-error`}
          submitLabel={submitLabel}
          submitTestId={`${name}-submit`}
          pending={submission.isPending}
          disabled={disabled}
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}

/**
 * The foot of a form dialog: what went wrong — the page's own check (a string) or the request's error (the
 * server's message) — then Cancel and the submit button (busy while the request runs).
 */
function FormFooter({
  error,
  errorTestId,
  submitLabel,
  submitTestId,
  pending,
  disabled,
  onCancel,
}: {
  error: unknown;
  errorTestId: string;
  submitLabel: string;
  submitTestId: string;
  pending: boolean;
  disabled?: boolean;
  onCancel: () => void;
}) {
  return (
    <>
      {error ? (
        <Alert variant="destructive" data-testid={errorTestId}>
          {typeof error === 'string' ? error : errorMessage(error)}
        </Alert>
      ) : null}
      <DialogFooter>
        <Button type="button" variant="outline" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" loading={pending} disabled={disabled} data-testid={submitTestId}>
          {submitLabel}
        </Button>
      </DialogFooter>
    </>
  );
}
