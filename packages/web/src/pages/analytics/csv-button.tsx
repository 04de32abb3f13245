import { Download } from 'lucide-react';
import * as React from 'react';
import { errorMessage } from '@/api/client';
import { Button } from '@/components/ui/button';
import { useToast } from '@/components/ui/toast';
import { saveFile } from '@/lib/files';

/** Fetches a CSV (`Accept: text/csv`) and saves it as a file: the server's name for it, or `name`. */
export function CsvButton({
  fetchFile,
  name,
  label = 'Download CSV',
  'data-testid': testId,
}: {
  fetchFile: () => Promise<{ blob: Blob; filename: string | null }>;
  name: string;
  label?: string;
  'data-testid': string;
}) {
  const toast = useToast();
  const [busy, setBusy] = React.useState(false);
  async function download() {
    setBusy(true);
    try {
      const file = await fetchFile();
      saveFile(file.blob, file.filename ?? name);
    } catch (error) {
      toast({ title: 'The CSV could not be downloaded', description: errorMessage(error), variant: 'error' });
    } finally {
      setBusy(false);
    }
  }
  return (
    <Button variant="outline" loading={busy} data-testid={testId} onClick={() => void download()}>
      {busy ? null : <Download aria-hidden="true" />}
      {label}
    </Button>
  );
}
