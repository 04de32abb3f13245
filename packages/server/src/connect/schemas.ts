import { z } from 'zod';
import { connectKinds } from '../db/schema/index.ts';
import { toPublicId } from '../http/ids.ts';
import { listQuerySchema } from '../http/pagination.ts';
import { shownOnce, unixTime } from '../http/schemas.ts';
import { describeAll, describeDisabledReason } from './requirements.ts';
import { type ConnectStatus, connectStatuses, type StatusView } from './service.ts';

export const connectStatusEnum = z.enum(connectStatuses);
export const connectKindEnum = z.enum(connectKinds);
const returnTo = z.enum(['platform', 'dashboard']);

export const createAccountBody = z
  .strictObject({
    email: z.email().max(200).optional(),
    business_type: z.enum(['individual', 'company']).optional(),
  })
  .default({});

export const onboardingLinkBody = z.strictObject({ return_to: returnTo.optional() }).default({});
export const authorizeUrlQuery = z.object({ return_to: returnTo.optional() });

const requirement = z.object({ code: z.string(), description: z.string() });

export const connectStatusSchema = z
  .object({
    object: z.literal('connect_status'),
    tenant: z.string(),
    status: connectStatusEnum,
    /** the plain-words sentence the dashboard shows */
    summary: z.string(),
    account_id: z.string().nullable(),
    kind: connectKindEnum.nullable(),
    source: z.enum(['created', 'oauth']).nullable(),
    platform_kind: connectKindEnum,
    oauth_available: z.boolean(),
    charges_enabled: z.boolean(),
    payouts_enabled: z.boolean(),
    details_submitted: z.boolean(),
    requirements: z.object({
      currently_due: z.array(requirement),
      past_due: z.array(requirement),
      eventually_due: z.array(requirement),
      pending_verification: z.array(requirement),
      deadline: z.number().int().nullable(),
      disabled_reason: z.string().nullable(),
      disabled_reason_description: z.string().nullable(),
    }),
    capabilities: z.record(z.string(), z.string()),
    connected_at: z.number().int().nullable(),
    disconnected_at: z.number().int().nullable(),
    last_synced_at: z.number().int().nullable(),
    last_event_at: z.number().int().nullable(),
  })
  .meta({ id: 'ConnectStatus' });
export type ConnectStatusBody = z.infer<typeof connectStatusSchema>;

const summaries: Record<ConnectStatus, string> = {
  not_connected: 'No Stripe account is connected. Connect one to start taking payments.',
  onboarding: 'Onboarding has started: finish it on Stripe to take payments.',
  restricted: 'Stripe needs more information before this account can take payments or receive payouts.',
  enabled: 'Ready: the account can take payments and receive payouts.',
  rejected: 'Stripe rejected this account; it cannot take payments.',
  deauthorized:
    'The Stripe account was disconnected from the platform on Stripe. New payments are blocked until you connect again; past payments stay visible.',
};

/**
 * Stripe marks a new account's first requirements past due (and the account paused) before anyone has had the
 * chance to submit them: until onboarding is submitted, that is "not submitted yet", not "overdue".
 */
const notSubmitted = 'Onboarding has not been submitted yet: finish it on Stripe to take payments.';

export function toApiStatus(v: StatusView): ConnectStatusBody {
  const a = v.account;
  const r = a?.requirements;
  const current = a && !a.disconnectedAt;
  const unsubmitted = Boolean(current && !a.detailsSubmitted && v.status === 'restricted');
  return {
    object: 'connect_status',
    tenant: toPublicId('tenant', v.tenantId),
    status: v.status,
    summary: unsubmitted ? notSubmitted : summaries[v.status],
    account_id: a?.stripeAccountId ?? null,
    kind: a?.kind ?? null,
    source: a?.source ?? null,
    platform_kind: v.platformKind,
    oauth_available: v.oauthAvailable,
    charges_enabled: Boolean(current && a.chargesEnabled),
    payouts_enabled: Boolean(current && a.payoutsEnabled),
    details_submitted: Boolean(a?.detailsSubmitted),
    requirements: {
      currently_due: current ? describeAll(r?.currently_due ?? []) : [],
      past_due: current ? describeAll(r?.past_due ?? []) : [],
      eventually_due: current ? describeAll(r?.eventually_due ?? []) : [],
      pending_verification: current ? describeAll(r?.pending_verification ?? []) : [],
      deadline: current ? (r?.current_deadline ?? null) : null,
      disabled_reason: current ? (r?.disabled_reason ?? null) : null,
      disabled_reason_description: !current
        ? null
        : unsubmitted && r?.disabled_reason?.startsWith('requirements.')
          ? notSubmitted
          : describeDisabledReason(r?.disabled_reason ?? null),
    },
    capabilities: current ? a.capabilities : {},
    connected_at: unixTime(a?.connectedAt),
    disconnected_at: unixTime(a?.disconnectedAt),
    last_synced_at: unixTime(a?.lastSyncedAt),
    last_event_at: unixTime(a?.lastEventAt),
  };
}

export const onboardingLinkSchema = z.object({
  object: z.literal('connect_onboarding_link'),
  url: shownOnce,
  expires_at: z.number().int(),
});

export const loginLinkSchema = z.object({
  object: z.literal('connect_login_link'),
  url: shownOnce,
  kind: connectKindEnum,
});

export const authorizeUrlSchema = z.object({
  object: z.literal('connect_oauth_authorize_url'),
  url: z.string(),
  state_expires_at: z.number().int(),
});

export const operatorListQuery = listQuerySchema.omit({ ending_before: true }).extend({
  status: connectStatusEnum.optional(),
  kind: connectKindEnum.optional(),
});

export const connectedAccountSchema = z.object({
  object: z.literal('connected_account'),
  tenant: z.object({ id: z.string(), name: z.string() }),
  status: connectStatusEnum,
  account_id: z.string().nullable(),
  kind: connectKindEnum.nullable(),
  source: z.enum(['created', 'oauth']).nullable(),
  charges_enabled: z.boolean(),
  payouts_enabled: z.boolean(),
  currently_due: z.number().int(),
  connected_at: z.number().int().nullable(),
  last_synced_at: z.number().int().nullable(),
  last_event_at: z.number().int().nullable(),
});
