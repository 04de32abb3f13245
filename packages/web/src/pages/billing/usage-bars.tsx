import type { MetricUsage } from '@/api/billing';
import { formatMoney } from '@/lib/money';
import { cn, formatTimestamp } from '@/lib/utils';

// One bar per metric: used of the limit, with a mark at each warning threshold; money metrics in their
// currency.

const metricLabels: Record<string, string> = {
  payment_volume: 'Payment volume',
  seats: 'Seats',
};

export const metricLabel = (metric: string) =>
  metricLabels[metric] ?? metric.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());

/** A metric's quantity as text: money in its currency, counts with grouping. */
export function formatQuantity(value: number, currency: string | null): string {
  return currency ? formatMoney(value, currency) : new Intl.NumberFormat().format(value);
}

function UsageBar({ metric, usage }: { metric: string; usage: MetricUsage & { limit: number } }) {
  const percent = Math.max(0, usage.percent ?? 0);
  const over = percent >= 100;
  const marks = usage.thresholds.map((t) => t.percent);
  const warned = marks.some((t) => t < 100 && percent >= t);
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
        {marks
          .filter((t) => t > 0 && t < 100)
          .map((t) => (
            <span
              key={t}
              data-testid={`threshold-${metric}-${t}`}
              title={`Warning at ${t}%`}
              className="absolute -top-0.5 h-3.5 w-0.5 bg-foreground/50"
              style={{ left: `${t}%` }}
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

const limited = (e: [string, MetricUsage]): e is [string, MetricUsage & { limit: number }] =>
  e[1].limit !== null;

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
