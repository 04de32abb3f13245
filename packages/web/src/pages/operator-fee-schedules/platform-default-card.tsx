import { formatPercent, type PlatformFeeSchedule } from '@/api/fees';
import { DetailRow } from '@/components/detail-row';
import { formatAmounts } from '@/components/fee-override-dialog';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { scheduleFields, showField } from './schedule-fields';

export function PlatformDefaultCard({ defaults }: { defaults: PlatformFeeSchedule }) {
  const pricing = defaults.stripe_pricing;
  return (
    <Card className="mb-4" data-testid="fee-default">
      <CardHeader>
        <div>
          <CardTitle>Platform default</CardTitle>
          <CardDescription>
            Every tenant without an override pays this. Set by <code>PLATFORM_FEE_*</code> in the server's
            environment.
          </CardDescription>
        </div>
      </CardHeader>
      <CardContent>
        <dl className="max-w-md">
          {scheduleFields.map(([f, label]) => (
            <DetailRow key={f} label={label} testId={`fee-default-${f}`}>
              {showField(f, defaults)}
            </DetailRow>
          ))}
          <DetailRow label="Stripe's price (estimate)" testId="fee-default-stripe">
            {formatPercent(pricing.percent_bps)}
            {Object.keys(pricing.fixed).length ? ` + ${formatAmounts(pricing.fixed)}` : ''}
          </DetailRow>
        </dl>
      </CardContent>
    </Card>
  );
}
