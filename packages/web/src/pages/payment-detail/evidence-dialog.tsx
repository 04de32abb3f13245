import * as React from 'react';
import { type Dispute, useSubmitEvidence } from '@/api/payments';
import { FormDialog } from '@/components/form-dialog';
import { TextAreaField, TextField } from '@/components/form-field';
import { useToast } from '@/components/ui/toast';
import { fileToBase64 } from '@/lib/files';
import { formatTimestamp } from '@/lib/utils';

/** Stripe's limit for dispute evidence files (the server's EVIDENCE_FILE_MAX_BYTES). */
const maxFileBytes = 4_500_000;
const megabytes = (n: number) => `${(n / 1_000_000).toFixed(1)} MB`;

export function EvidenceDialog({
  tenantId,
  dispute,
  onClose,
}: {
  tenantId: string;
  dispute: Dispute;
  onClose: () => void;
}) {
  const [text, setText] = React.useState('');
  const [file, setFile] = React.useState<File | null>(null);
  const submit = useSubmitEvidence(tenantId, dispute.id);
  const toast = useToast();
  const tooLarge = file !== null && file.size > maxFileBytes;
  return (
    <FormDialog
      name="evidence"
      title="Submit dispute evidence"
      description={`Due ${formatTimestamp(dispute.evidence_due_by)}. Evidence is submitted once; Stripe sends it to the card network.`}
      submission={submit}
      submitLabel="Submit evidence"
      disabled={(!text && !file) || tooLarge}
      onSubmit={async () => {
        const files = file
          ? [{ field: 'uncategorized_file', filename: file.name, content_base64: await fileToBase64(file) }]
          : [];
        submit.mutate(
          { evidence: text ? { uncategorized_text: text } : {}, files },
          {
            onSuccess: () => {
              toast({ title: 'Evidence submitted' });
              onClose();
            },
          },
        );
      }}
      onClose={onClose}
    >
      <TextAreaField
        id="evidence-text"
        label="Explanation"
        className="min-h-28"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <TextField
        id="evidence-file"
        label="Document (agreement, email record: PDF, PNG or JPEG)"
        type="file"
        accept=".pdf,.png,.jpg,.jpeg"
        aria-invalid={tooLarge}
        hint={
          tooLarge
            ? `This file is ${megabytes(file.size)}: the limit is ${megabytes(maxFileBytes)}. Choose a smaller one.`
            : `Up to ${megabytes(maxFileBytes)} (Stripe's limit for evidence).`
        }
        onChange={(e) => setFile(e.target.files?.[0] ?? null)}
      />
    </FormDialog>
  );
}
