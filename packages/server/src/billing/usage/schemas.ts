import { z } from 'zod';
import type { CheckInput } from './entitlements.ts';
import { MAX_BATCH_EVENTS, METRIC_PATTERN } from './metrics.ts';

// The usage and entitlements API's bodies and answers.

const metric = z
  .string()
  .regex(METRIC_PATTERN, 'a metric is 1 to 40 of a-z, 0-9 and _, starting with a letter');
const RESERVED_ID = /^(payment|refund|seats):/;
/**
 * the reporter's own id: printable ASCII, no spaces (part of Stripe's 100-character meter identifier), and
 * not in the ids of the usage Tributary measures (`payment:<ch_…>`, `refund:<re_…>`, `seats:…`), which share
 * the tenant's ids: one taken by a report would make the payment it names a duplicate, never counted
 */
const eventId = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
  .refine((id) => !RESERVED_ID.test(id), 'ids starting payment:, refund: or seats: are reserved');
/** at most 15 digits: Stripe's meters refuse a value with more (its overage would never be billed) */
const quantity = z.number().int().positive().max(999_999_999_999_999);
/** unix seconds */
const timestamp = z.number().int().nonnegative().max(32_503_680_000);

export const usageEventBody = z.strictObject({ metric, quantity, timestamp, id: eventId });

export const usageBatchBody = z.strictObject({
  events: z
    .array(z.strictObject({ tenant: z.string().min(1).max(64), metric, quantity, timestamp, id: eventId }))
    .min(1)
    .max(MAX_BATCH_EVENTS),
});

const outcome = z.enum(['recorded', 'duplicate', 'no_plan', 'outside_period']);

export const usageEventResult = z.object({
  object: z.literal('usage_event'),
  id: z.string(),
  tenant: z.string(),
  metric: z.string(),
  quantity: z.number().int(),
  timestamp: z.number().int(),
  status: outcome,
});

const eventError = z.object({ code: z.string(), message: z.string(), param: z.string() });

export const usageBatchResult = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      id: z.string(),
      tenant: z.string(),
      status: z.union([outcome, z.literal('error')]),
      error: eventError.optional(),
    }),
  ),
  recorded: z.number().int(),
  duplicates: z.number().int(),
  errors: z.number().int(),
});

const metricView = z.object({
  limit: z.number().int().nullable(),
  used: z.number().int(),
  remaining: z.number().int().nullable(),
  percent: z.number().nullable(),
  enforcement: z.enum(['soft', 'hard']).nullable(),
  currency: z.string().nullable(),
  resets_at: z.number().int(),
  thresholds: z.array(z.object({ percent: z.number(), at: z.number().int(), reached: z.boolean() })),
  /** payment volume by currency (its minor units) with no exchange rate to the plan's: not counted */
  excluded: z.record(z.string(), z.number().int()).optional(),
});

export const alertSchema = z.object({
  id: z.string(),
  metric: z.string(),
  threshold: z.number().int(),
  limit: z.number().int(),
  used: z.number().int(),
  created_at: z.number().int(),
});

export const entitlementsSchema = z.object({
  object: z.literal('entitlements'),
  tenant: z.string(),
  plan: z.object({ id: z.string(), lookup_key: z.string(), name: z.string() }).nullable(),
  state: z.enum(['active', 'trialing', 'past_due', 'warning', 'suspended']),
  interval: z.enum(['month', 'year']).nullable(),
  currency: z.string().nullable(),
  period: z.object({ start: z.number().int(), end: z.number().int() }).nullable(),
  features: z.record(z.string(), z.boolean()),
  metrics: z.record(z.string(), metricView),
  alerts: z.array(alertSchema),
  /** in dunning's warning and suspended phases, the features the platform restricts (reported false) */
  restricted: z.array(z.string()),
  /** a change at the period's end (a downgrade through a subscription schedule), until it takes effect */
  pending_change: z
    .object({
      plan: z.object({ id: z.string(), lookup_key: z.string(), name: z.string() }),
      interval: z.enum(['month', 'year']).nullable(),
      effective_at: z.number().int(),
    })
    .nullable(),
});

/** `{ metric, quantity }` (quantity 1 when left out) or `{ feature }`: one of the two. */
export const checkBody = z
  .strictObject({
    metric: metric.optional(),
    quantity: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
    feature: z.string().min(1).max(100).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.feature !== undefined && (b.metric !== undefined || b.quantity !== undefined))
      ctx.addIssue({ code: 'custom', path: ['feature'], message: 'give a metric or a feature, not both' });
    else if (b.feature === undefined && b.metric === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['metric'],
        message: 'give a metric (with a quantity) or a feature',
      });
  })
  .transform(
    (b): CheckInput =>
      b.feature !== undefined ? { feature: b.feature } : { metric: b.metric!, quantity: b.quantity ?? 1 },
  );

export const checkResult = z.object({
  object: z.literal('entitlement_check'),
  tenant: z.string(),
  allowed: z.boolean(),
  reason: z.enum([
    'no_plan',
    'suspended',
    'restricted',
    'feature_included',
    'feature_not_included',
    'unlimited',
    'within_limit',
    'overage',
    'limit_exceeded',
  ]),
  metric: z.string().optional(),
  quantity: z.number().int().optional(),
  feature: z.string().optional(),
  limit: z.number().int().nullable(),
  used: z.number().int().nullable(),
  remaining: z.number().int().nullable(),
  enforcement: z.string().nullable(),
});

/** A dashboard notice: a threshold alert that notified (docs/platform-billing.md, "Notices"). */
export const noticeSchema = z.object({
  object: z.literal('usage_alert'),
  id: z.string(),
  metric: z.string(),
  threshold: z.number().int(),
  limit: z.number().int(),
  used: z.number().int(),
  currency: z.string().nullable(),
  period_start: z.number().int(),
  limits_version: z.number().int(),
  created_at: z.number().int(),
  dismissed_at: z.number().int().nullable(),
});
