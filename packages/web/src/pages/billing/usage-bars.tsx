import type { MetricUsage } from '@/api/billing';
import { formatQuantity, metricLabel } from '@/lib/metrics';
import { cn, formatTimestamp } from '@/lib/utils';

// One bar per metric: used of the limit, with a mark at each warning threshold; money metrics in their
// currency.

type Limited = MetricUsage & { limit: number };

function UsageBar({ metric, usage }: { metric: string; usage: Limited }) {
  const percent = Math.max(0, usage.percent ?? 0);
  const over = percent >= 100;
  const warned = usage.thresholds.some((t) => t.percent < 100 && t.reached);
  return (
    <li className="space-y-1.5" data-testid={`usage-${metric}`}>
      <div className="flex items-baseline justify-between gap-4 text-sm">
        <span className="font-medium">{metricLabel(metric)}</span>
        <span className="text-muted-foreground tabular-nums" data-testid={`usage-${metric}-text`}>
          {formatQuantity(usage.used, usage.currency || null)} of{' '}
          {formatQuantity(usage.limit, usage.currency || null)} ({percent.toFixed(1)}%)
        </span>
      </div>
      <meter
        className="sr-only"
        aria-label={`${metricLabel(metric)} used`}
        min={0}
        max={usage.limit}
        value={usage.used}
      />
      <div className="relative h-2.5 rounded-full bg-muted" aria-hidden="true">
        <div
          className={cn(
            'h-full rounded-full',
            over ? 'bg-destructive' : warned ? 'bg-warning' : 'bg-primary',
          )}
          style={{ width: `${Math.min(100, percent)}%` }}
        />
        {usage.thresholds
          .filter((t) => t.percent > 0 && t.percent < 100)
          .map((t) => (
            <span
              key={t.percent}
              data-testid={`threshold-${metric}-${t.percent}`}
              title={`Warning at ${t.percent}%`}
              className="absolute -top-0.5 h-3.5 w-0.5 bg-foreground/50"
              style={{ left: `${t.percent}%` }}
            />
          ))}
      </div>
      <p className="text-xs text-muted-foreground">
        {usage.enforcement === 'hard'
          ? 'Hard limit: requests over it are refused.'
          : 'Soft limit: usage over it is billed as overage.'}
        {usage.resets_at ? ` Resets ${formatTimestamp(usage.resets_at, false)}.` : ''}
      </p>
    </li>
  );
}

const limited = (e: [string, MetricUsage]): e is [string, Limited] => e[1].limit !== null;

export function UsageBars({ metrics }: { metrics: Record<string, MetricUsage> }) {
  const entries = Object.entries(metrics)
    .filter(limited)
    .sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0)
    return <p className="text-sm text-muted-foreground">Your plan sets no usage limits.</p>;
  return (
    <ul className="space-y-5">
      {entries.map(([metric, usage]) => (
        <UsageBar key={metric} metric={metric} usage={usage} />
      ))}
    </ul>
  );
}
