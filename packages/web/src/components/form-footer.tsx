import { errorMessage } from '@/api/client';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { DialogFooter } from '@/components/ui/dialog';

/**
 * The foot of a form dialog: what went wrong — the page's own check (a string) or the request's error (the
 * server's message) — then Cancel and the submit button (busy while the request runs).
 */
export function FormFooter({
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
