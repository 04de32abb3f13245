import type { DisputeFile } from '../../db/schema/index.ts';
import { ApiError } from '../../http/errors.ts';
import { parsePathId } from '../../http/ids.ts';
import type { Page } from '../../http/pagination.ts';
import { inTenant, type TenantScope } from '../../scope/tenant.ts';
import type { Stripe } from '../../stripe/client.ts';
import { type CallerParams, contentDigest } from '../../stripe/gateway.ts';
import * as charges from '../charges/repo.ts';
import { paymentAccount } from '../charges/service.ts';
import type { PaymentDeps } from '../common.ts';

import * as repo from './repo.ts';
import * as sync from './sync.ts';

/** Statuses in which Stripe still takes evidence. */
const OPEN = ['needs_response', 'warning_needs_response'];

export async function getDisputeOrThrow(
  tx: Parameters<typeof repo.getDispute>[0],
  id: string,
  publicId: string,
  lock = false,
) {
  const row = await repo.getDispute(tx, id, { lock });
  if (!row) throw ApiError.notFound('dispute', publicId, 'dispute');
  return row;
}

/** `dispute` is the dispute's public id, as the caller named it. */
export function getDispute(scope: TenantScope, dispute: string) {
  const id = parsePathId('dispute', dispute);
  return inTenant(scope, 'disputes:read', (tx) => getDisputeOrThrow(tx, id, dispute));
}

export function listDisputes(
  scope: TenantScope,
  q: { limit: number; startingAfter: string | null; endingBefore: string | null; status?: string },
): Promise<Page<repo.DisputeRow>> {
  return inTenant(scope, 'disputes:read', (tx) => repo.listDisputes(tx, scope.tenantId, q));
}

export interface EvidenceInput {
  evidence: Record<string, string | undefined>;
  files: { field: string; filename: string; content_base64: string }[];
  submit: boolean;
}

const mime = (name: string) =>
  name.toLowerCase().endsWith('.pdf')
    ? 'application/pdf'
    : name.toLowerCase().endsWith('.png')
      ? 'image/png'
      : 'image/jpeg';

/** The caller's documents and evidence text, as Stripe's files and dispute parameters. */
const fileInput: CallerParams = { file: 'files' };

const evidenceInput: CallerParams = { evidence: 'evidence' };

/**
 * Evidence for an open dispute (`input.dispute`: its public id, as the caller named it): each document goes
 * to Stripe's files API (purpose `dispute_evidence`) on the account holding the dispute, then the text and
 * file ids are set on the dispute and, by default, submitted. Keys derive from the dispute and the content,
 * so a retried request uploads and submits once.
 */
export async function submitEvidence(
  scope: TenantScope,
  deps: PaymentDeps,
  input: EvidenceInput & { dispute: string },
): Promise<repo.DisputeRow> {
  const disputePublicId = input.dispute;
  const id = parsePathId('dispute', disputePublicId);
  if (!input.files.length && !Object.keys(input.evidence).length) {
    throw new ApiError('parameter_missing', 'Give some evidence: text fields or files.', {
      param: 'evidence',
    });
  }
  const { dispute, payment } = await inTenant(scope, 'disputes:write', async (tx) => {
    const dispute = await getDisputeOrThrow(tx, id, disputePublicId);
    if (!OPEN.includes(dispute.status)) {
      throw new ApiError(
        'dispute_not_open',
        `This dispute takes no more evidence (it is ${dispute.status}).`,
        {
          param: 'dispute',
        },
      );
    }
    return { dispute, payment: (await charges.getPayment(tx, dispute.paymentId))! };
  });
  const account = paymentAccount(payment);
  const uploaded: DisputeFile[] = [];
  for (const f of input.files) {
    const data = Buffer.from(f.content_base64, 'base64');
    if (!data.length) throw new ApiError('parameter_invalid', 'A file is empty.', { param: 'files' });
    const file = await deps.stripe.call(
      {
        action: 'upload the evidence file',
        account,
        movesMoney: false,
        input: fileInput,
        purpose: 'dispute_file',
        record: dispute.id,
        discriminator: contentDigest(data),
      },
      (stripe, opts) =>
        stripe.files.create(
          { purpose: 'dispute_evidence', file: { data, name: f.filename, type: mime(f.filename) } },
          opts,
        ),
    );
    uploaded.push({ id: file.id, filename: f.filename, field: f.field, size: file.size });
  }
  const text = Object.fromEntries(
    Object.entries(input.evidence).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  const evidence: Stripe.DisputeUpdateParams.Evidence = {
    ...text,
    ...Object.fromEntries(uploaded.map((f) => [f.field, f.id])),
  };
  const body = JSON.stringify({ evidence, submit: input.submit });
  const updated = await deps.stripe.call(
    {
      action: 'submit the dispute evidence',
      account,
      movesMoney: false,
      input: evidenceInput,
      purpose: 'dispute_evidence',
      record: dispute.id,
      discriminator: contentDigest(body),
    },
    (stripe, opts) =>
      stripe.disputes.update(dispute.stripeDisputeId, { evidence, submit: input.submit }, opts),
  );
  const fetchedAt = new Date(); // after the response: a refetch answered earlier must not win the guard
  return inTenant(scope, 'disputes:write', async (tx) => {
    // the payment's row first, then the dispute's: the order the webhook handler updates them in
    await charges.getPayment(tx, dispute.paymentId, { lock: true });
    await getDisputeOrThrow(tx, id, disputePublicId, true);
    const current = (await repo.getDispute(tx, id))!;
    const files = [...current.files.filter((f) => !uploaded.some((u) => u.field === f.field)), ...uploaded];
    await repo.recordEvidence(tx, id, {
      evidence: { ...current.evidence, ...text },
      files,
      submitted: input.submit,
    });
    await sync.syncDispute(tx, { tenantId: scope.tenantId, account: null }, updated, fetchedAt);
    await scope.audit(tx, {
      action: input.submit ? 'dispute.evidence_submitted' : 'dispute.evidence_saved',
      target: { kind: 'dispute', id },
      data: { fields: Object.keys(evidence), files: uploaded.length },
    });
    return (await repo.getDispute(tx, id))!;
  });
}
