import { z } from 'zod';
import { toPublicId } from '../http/ids.ts';
import { currencyCode, metadataSchema, roleSchema, unixTime } from '../http/schemas.ts';
import type { MemberRow, TenantPlanSummary, TenantRow } from './repo.ts';

export const settingsSchema = z.strictObject({
  support_email: z.email().max(254).nullable().optional(),
  default_currency: z
    .string()
    .regex(/^[a-z]{3}$/, 'a three-letter ISO currency code in lowercase')
    .pipe(currencyCode)
    .nullable()
    .optional(),
});

export const tenantSchema = z
  .object({
    id: z.string(),
    object: z.literal('tenant'),
    name: z.string(),
    external_id: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    settings: z.object({ support_email: z.string().nullable(), default_currency: z.string().nullable() }),
    status: z.enum(['active', 'suspended']),
    created: z.number().int(),
    /** the tenant's plan with the platform and its billing state: in the platform's list only */
    billing: z
      .object({
        plan: z.object({ id: z.string(), lookup_key: z.string(), name: z.string() }).nullable(),
        state: z.string(),
      })
      .optional(),
  })
  .meta({ id: 'Tenant' });
export type ApiTenant = z.infer<typeof tenantSchema>;

export const createTenantBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  external_id: z.string().min(1).max(200).optional(),
  metadata: metadataSchema.optional(),
});

export const updateTenantBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  metadata: metadataSchema.optional(),
  settings: settingsSchema.optional(),
});

export const memberSchema = z
  .object({
    object: z.literal('member'),
    user: z.object({ id: z.string(), email: z.string(), name: z.string().nullable() }),
    role: roleSchema,
    created: z.number().int(),
  })
  .meta({ id: 'Member' });

export function toApiTenant(row: TenantRow & { billing?: TenantPlanSummary }): ApiTenant {
  return {
    id: toPublicId('tenant', row.id),
    object: 'tenant',
    name: row.name,
    external_id: row.externalId,
    metadata: row.metadata,
    settings: {
      support_email: row.settings.support_email ?? null,
      default_currency: row.settings.default_currency ?? null,
    },
    status: row.status,
    created: unixTime(row.createdAt)!,
    ...(row.billing
      ? {
          billing: {
            state: row.billing.state,
            plan: row.billing.plan
              ? {
                  id: toPublicId('plan', row.billing.plan.id),
                  lookup_key: row.billing.plan.lookupKey,
                  name: row.billing.plan.name,
                }
              : null,
          },
        }
      : {}),
  };
}

export function toApiMember(row: MemberRow): z.infer<typeof memberSchema> {
  return {
    object: 'member',
    user: { id: toPublicId('user', row.userId), email: row.email, name: row.name },
    role: row.role,
    created: unixTime(row.createdAt)!,
  };
}
