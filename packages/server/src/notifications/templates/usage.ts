import { formatLocalized } from '../../currency.ts';
import type { TemplateContext } from './context.ts';
import type { EmailDocument } from './document.ts';

export interface UsageThresholdData {
  metric: string;
  /** percent of the limit reached (80, 100) */
  threshold: number;
  limit: number;
  used: number;
  /** a monetary metric's currency (amounts in its minor units); null for a count */
  currency: string | null;
  planName: string;
  /** when the billing period ends and usage starts again from zero */
  resetsAt: Date;
}

/** To the tenant's owners and admins and its billing contact: a usage threshold of its plan was reached. */
export function usageThreshold(d: UsageThresholdData, ctx: TemplateContext): EmailDocument {
  const m = ctx.m.usageThreshold;
  const show = (n: number) =>
    d.currency ? formatLocalized(n, d.currency, ctx.locale) : new Intl.NumberFormat(ctx.locale).format(n);
  const metric = m.metricName[d.metric as keyof typeof m.metricName] ?? d.metric;
  return {
    subject: m.subject(d.threshold, metric, ctx.tenantName),
    preview: m.preview(show(d.used), show(d.limit)),
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: m.heading(d.threshold, metric) },
      { kind: 'paragraph', text: m.body(d.planName, d.threshold) },
      {
        kind: 'facts',
        rows: [
          [m.used, show(d.used)],
          [m.limit, show(d.limit)],
          [m.resets, ctx.formatDate(d.resetsAt)],
        ],
      },
      { kind: 'button', label: m.button, href: ctx.dashboardUrl('billing') },
    ],
    footer: ctx.footer,
  };
}
