import * as React from 'react';
import { errorMessage } from '@/api/client';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog, DialogFooter } from '@/components/ui/dialog';

/** "Are you sure?" with Cancel and one confirm button; shows the mutation's error above them. */
export function ConfirmDialog({
  open,
  title,
  description,
  confirmLabel,
  destructive,
  pending,
  error,
  testId,
  dialogTestId,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  description: React.ReactNode;
  confirmLabel: string;
  destructive?: boolean;
  pending: boolean;
  error: unknown;
  /** The confirm button's test id. */
  testId: string;
  dialogTestId?: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Dialog
      open={open}
      onOpenChange={onCancel}
      title={title}
      description={description}
      data-testid={dialogTestId}
    >
      {error ? <Alert variant="destructive">{errorMessage(error)}</Alert> : null}
      <DialogFooter>
        <Button variant="outline" onClick={onCancel}>
          Cancel
        </Button>
        <Button
          variant={destructive ? 'destructive' : 'default'}
          data-testid={testId}
          loading={pending}
          onClick={onConfirm}
        >
          {confirmLabel}
        </Button>
      </DialogFooter>
    </Dialog>
  );
}

/** What a confirmation asks: the action and whom it touches, said in `description`. */
export interface ConfirmRequest {
  title: string;
  description: React.ReactNode;
  confirmLabel: string;
  destructive?: boolean;
  /** the confirm button's test id */
  testId: string;
  /** the work, run on confirm; the dialog stays open with its error if it fails */
  run: () => Promise<unknown>;
}

/**
 * Every destructive or money-moving action asks first through this: `ask(request)` opens the shared
 * ConfirmDialog (rendered by `dialog`), which runs the work on confirm and closes when it succeeds.
 */
export function useConfirm() {
  const [request, setRequest] = React.useState<ConfirmRequest | null>(null);
  const [pending, setPending] = React.useState(false);
  const [error, setError] = React.useState<unknown>(null);
  const ask = React.useCallback((r: ConfirmRequest) => {
    setError(null);
    setRequest(r);
  }, []);
  const close = () => {
    setRequest(null);
    setError(null);
  };
  const dialog = request ? (
    <ConfirmDialog
      open
      title={request.title}
      description={request.description}
      confirmLabel={request.confirmLabel}
      destructive={request.destructive}
      pending={pending}
      error={error}
      testId={request.testId}
      dialogTestId="confirm-dialog"
      onCancel={close}
      onConfirm={() => {
        setPending(true);
        setError(null);
        request.run().then(
          () => {
            setPending(false);
            setRequest(null);
          },
          (err: unknown) => {
            setPending(false);
            setError(err);
          },
        );
      }}
    />
  ) : null;
  return { ask, dialog };
}
