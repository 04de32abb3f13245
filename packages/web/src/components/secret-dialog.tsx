import type * as React from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';

/**
 * A secret shown only once (API key, webhook signing secret): not dismissible,
 * a warning, the value read-only with a copy button, and an "I have saved it" button.
 * Test ids: `<testIdPrefix>-secret`, `<testIdPrefix>-copy`, `<testIdPrefix>-secret-done`.
 */
export function SecretDialog({
  open,
  onDone,
  title,
  warningTitle,
  warning,
  shown,
  labelClassName,
  doneLabel,
  testIdPrefix,
  'data-testid': dialogTestId,
}: {
  open: boolean;
  onDone: () => void;
  title: string;
  warningTitle: string;
  warning: React.ReactNode;
  /** What to show (null renders an empty dialog while it closes). */
  shown: { label: React.ReactNode; secret: string } | null;
  labelClassName?: string;
  doneLabel: string;
  testIdPrefix: string;
  'data-testid': string;
}) {
  const inputId = `${testIdPrefix}-secret`;
  return (
    <Dialog open={open} onOpenChange={onDone} title={title} dismissible={false} data-testid={dialogTestId}>
      {shown ? (
        <div className="space-y-4">
          <Alert variant="warning" title={warningTitle}>
            {warning}
          </Alert>
          <div className="space-y-2">
            <Label htmlFor={inputId} className={labelClassName}>
              {shown.label}
            </Label>
            <div className="flex gap-2">
              <Input
                id={inputId}
                data-testid={inputId}
                readOnly
                value={shown.secret}
                className="font-mono text-xs"
                onFocus={(e) => e.currentTarget.select()}
              />
              <CopyButton value={shown.secret} data-testid={`${testIdPrefix}-copy`} />
            </div>
          </div>
        </div>
      ) : null}
      <DialogFooter>
        <Button onClick={onDone} data-testid={`${testIdPrefix}-secret-done`}>
          {doneLabel}
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
