import { CopyButton } from '@/components/ui/copy-button';

/** An id as the agent pastes it elsewhere (Stripe's dashboard, a ticket), with its copy button. */
export function CopyId({ id, label }: { id: string; label?: string }) {
  return (
    <span className="inline-flex items-center gap-1">
      <code className="rounded bg-muted px-1 py-0.5 font-mono text-xs break-all">{id}</code>
      <CopyButton
        value={id}
        variant="ghost"
        size="sm"
        className="h-6 px-1.5"
        label="Copy"
        aria-label={`Copy ${label ?? id}`}
        data-testid={`copy-${id}`}
      />
    </span>
  );
}
