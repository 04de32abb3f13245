import { z } from 'zod';
import { toPublicId } from '../../http/ids.ts';
import { listQuerySchema } from '../../http/pagination.ts';
import { unixTime } from '../../http/schemas.ts';
import type { DisputeRow } from './repo.ts';

const evidenceText = z.string().min(1).max(20_000);

/** Stripe takes at most 4.5 MB of dispute evidence files; the dashboard says so before an upload. */
export const EVIDENCE_FILE_MAX_BYTES = 4_500_000;
/** The evidence route's body: one base64 file at the limit (4/3 of it), plus the texts. */
export const EVIDENCE_BODY_MAX_BYTES = 6_500_000;

/** Stripe's text evidence fields (a subset that covers agreements, communication and shipping). */
export const evidenceTextFields = [
  'access_activity_log',
  'billing_address',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'customer_email_address',
  'customer_name',
  'duplicate_charge_explanation',
  'product_description',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'service_date',
  'shipping_address',
  'shipping_carrier',
  'shipping_date',
  'shipping_tracking_number',
  'uncategorized_text',
] as const;

export const evidenceFileFields = [
  'cancellation_policy',
  'customer_communication',
  'customer_signature',
  'duplicate_charge_documentation',
  'receipt',
  'refund_policy',
  'service_documentation',
  'shipping_documentation',
  'uncategorized_file',
] as const;

export const evidenceBody = z.strictObject({
  evidence: z
    .strictObject(
      Object.fromEntries(evidenceTextFields.map((f) => [f, evidenceText.optional()])) as Record<
        (typeof evidenceTextFields)[number],
        z.ZodOptional<typeof evidenceText>
      >,
    )
    .default({}),
  /** documents (agreements, email records…), base64, each sent to Stripe's files API */
  files: z
    .array(
      z.strictObject({
        field: z.enum(evidenceFileFields),
        filename: z
          .string()
          .min(1)
          .max(200)
          .regex(/\.(pdf|png|jpe?g)$/i, 'a .pdf, .png or .jpg file'),
        content_base64: z
          .string()
          .min(4)
          .max(
            Math.ceil(EVIDENCE_FILE_MAX_BYTES / 3) * 4,
            "at most 4.5 MB of file (Stripe's limit for evidence)",
          )
          .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64'),
      }),
    )
    .max(9)
    .default([]),
  /** false saves the evidence as a draft on Stripe; true (default) submits it (once) */
  submit: z.boolean().default(true),
});

export const disputeSchema = z
  .object({
    id: z.string(),
    object: z.literal('dispute'),
    payment: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    reason: z.string(),
    status: z.string(),
    evidence_due_by: z.number().int().nullable(),
    evidence: z.record(z.string(), z.string()),
    files: z.array(
      z.object({ id: z.string(), filename: z.string(), field: z.string(), size: z.number().int() }),
    ),
    evidence_submitted_at: z.number().int().nullable(),
    stripe_dispute_id: z.string(),
    created: z.number().int(),
  })
  .meta({ id: 'Dispute' });

export function toApiDispute(row: DisputeRow): z.infer<typeof disputeSchema> {
  return {
    id: toPublicId('dispute', row.id),
    object: 'dispute',
    payment: toPublicId('payment', row.paymentId),
    amount: row.amount,
    currency: row.currency,
    reason: row.reason,
    status: row.status,
    evidence_due_by: unixTime(row.evidenceDueBy),
    evidence: row.evidence,
    files: row.files,
    evidence_submitted_at: unixTime(row.evidenceSubmittedAt),
    stripe_dispute_id: row.stripeDisputeId,
    created: unixTime(row.createdAt)!,
  };
}

export const disputeListQuery = listQuerySchema.extend({ status: z.string().min(1).max(50).optional() });
