import { CircleAlert, CircleCheck, X } from 'lucide-react';
import * as React from 'react';
import { cn } from '@/lib/utils';

interface ToastItem {
  id: number;
  title: string;
  description?: string;
  variant: 'success' | 'error';
}

type ToastInput = Omit<ToastItem, 'id' | 'variant'> & { variant?: ToastItem['variant'] };

const ToastContext = React.createContext<((toast: ToastInput) => void) | null>(null);

export function useToast(): (toast: ToastInput) => void {
  const push = React.useContext(ToastContext);
  if (!push) throw new Error('useToast must be used inside <Toaster>');
  return push;
}

let nextId = 1;

export function Toaster({ children }: { children: React.ReactNode }) {
  const [toasts, setToasts] = React.useState<ToastItem[]>([]);

  const dismiss = React.useCallback((id: number) => {
    setToasts((current) => current.filter((t) => t.id !== id));
  }, []);

  const push = React.useCallback(
    (toast: ToastInput) => {
      const id = nextId++;
      setToasts((current) => [...current.slice(-3), { variant: 'success', ...toast, id }]);
      window.setTimeout(() => dismiss(id), toast.variant === 'error' ? 8000 : 4000);
    },
    [dismiss],
  );

  return (
    <ToastContext value={push}>
      {children}
      <section
        aria-label="Notifications"
        aria-live="polite"
        className="pointer-events-none fixed right-0 bottom-0 z-50 flex w-full flex-col items-end gap-2 p-4 sm:max-w-sm"
      >
        {toasts.map((toast) => {
          const Icon = toast.variant === 'error' ? CircleAlert : CircleCheck;
          return (
            <div
              key={toast.id}
              role={toast.variant === 'error' ? 'alert' : 'status'}
              data-testid="toast"
              className="pointer-events-auto flex w-full items-start gap-3 rounded-lg border bg-popover px-4 py-3 text-sm shadow-lg"
            >
              <Icon
                className={cn(
                  'mt-0.5 size-4 shrink-0',
                  toast.variant === 'error' ? 'text-destructive' : 'text-success',
                )}
                aria-hidden="true"
              />
              <div className="min-w-0 flex-1">
                <p className="font-medium">{toast.title}</p>
                {toast.description ? (
                  <p className="mt-0.5 break-words text-muted-foreground">{toast.description}</p>
                ) : null}
              </div>
              <button
                type="button"
                className="rounded p-0.5 text-muted-foreground hover:text-foreground"
                onClick={() => dismiss(toast.id)}
                aria-label="Dismiss notification"
              >
                <X className="size-4" aria-hidden="true" />
              </button>
            </div>
          );
        })}
      </section>
    </ToastContext>
  );
}
