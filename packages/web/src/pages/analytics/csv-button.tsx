import { Download } from 'lucide-react';
import * as React from 'react';
import { type AnalyticsRange, type AnalyticsScope, fetchMetricsCsv } from '@/api/analytics';
import { errorMessage } from '@/api/client';
import { Button } from '@/components/ui/button';
import { useToast } from '@/components/ui/toast';
import { saveFile } from '@/lib/files';

/** The range's figures in the currency as CSV, saved as a file (the server's name for it, or `name`). */
export function CsvButton({
  scope,
  range,
  currency,
  name,
}: {
  scope: AnalyticsScope;
  range: AnalyticsRange;
  currency: string;
  name: string;
}) {
  const toast = useToast();
  const [busy, setBusy] = React.useState(false);
  async function download() {
    setBusy(true);
    try {
      const file = await fetchMetricsCsv(scope, range, currency);
      saveFile(file.blob, file.filename ?? name);
    } catch (error) {
      toast({ title: 'The CSV could not be downloaded', description: errorMessage(error), variant: 'error' });
    } finally {
      setBusy(false);
    }
  }
  return (
    <Button variant="outline" loading={busy} data-testid="analytics-csv" onClick={() => void download()}>
      {busy ? null : <Download aria-hidden="true" />}
      Download CSV
    </Button>
  );
}
