import type { PlanPreview } from '@/api/plans';
import { Alert } from '@/components/ui/alert';
import { formatMoney } from '@/lib/money';

const money = (amount: number | null, currency: string) =>
  amount === null ? '—' : formatMoney(amount, currency);
const tenants = (n: number) => `${n} tenant${n === 1 ? '' : 's'}`;

/** What saving the edit changes for the plan's tenants, shown before the operator saves it. */
export function PreviewPanel({ preview }: { preview: PlanPreview }) {
  const prices = preview.prices.filter((p) => p.change !== 'unchanged');
  const nothing =
    prices.length === 0 &&
    preview.limits.length === 0 &&
    preview.features_added.length === 0 &&
    preview.features_removed.length === 0;
  return (
    <Alert variant="warning" title="Before you save" data-testid="plan-preview">
      <ul className="list-disc space-y-1 pl-4">
        <li data-testid="plan-preview-tenants">{tenants(preview.tenants_on_plan)} on this plan.</li>
        {prices.map((p) => (
          <li
            key={`${p.currency}-${p.interval}`}
            data-testid={`plan-preview-price-${p.currency}-${p.interval}`}
          >
            {p.currency.toUpperCase()} {p.interval}ly: {money(p.old_unit_amount, p.currency)} →{' '}
            {money(p.new_unit_amount, p.currency)} ({p.change}).{' '}
            {p.tenants_keeping_price > 0
              ? `${tenants(p.tenants_keeping_price)} keep the old price until you migrate them.`
              : 'Nobody is on the old price.'}
          </li>
        ))}
        {preview.superseded.map((s) => (
          <li key={`old-${s.currency}-${s.interval}-${s.unit_amount}`}>
            {tenants(s.tenants)} still on an older {s.currency.toUpperCase()} {s.interval}ly price of{' '}
            {money(s.unit_amount, s.currency)}.
          </li>
        ))}
        {preview.limits.map((l) => (
          <li key={`${l.metric}-${l.currency ?? ''}`} data-testid={`plan-preview-limit-${l.metric}`}>
            Limit on {l.metric}
            {l.currency ? ` (${l.currency.toUpperCase()})` : ''}:{' '}
            {l.old ? `${l.old.limit} ${l.old.enforcement}` : 'none'} →{' '}
            {l.new ? `${l.new.limit} ${l.new.enforcement}` : 'none'}.
          </li>
        ))}
        {preview.tenants_with_new_limits > 0 ? (
          <li>The new limits apply now to {tenants(preview.tenants_with_new_limits)}.</li>
        ) : null}
        {preview.features_added.length ? (
          <li data-testid="plan-preview-features-added">
            Features added: {preview.features_added.join(', ')}.
          </li>
        ) : null}
        {preview.features_removed.length ? (
          <li data-testid="plan-preview-features-removed">
            Features removed: {preview.features_removed.join(', ')}.
          </li>
        ) : null}
        {nothing ? <li>No change for the plan's tenants.</li> : null}
      </ul>
    </Alert>
  );
}
