import type { Tx } from '../db/client.ts';
import { ApiError } from '../http/errors.ts';
import { inTenant, type TenantScope } from '../scope/tenant.ts';
import { alertMembers, tenantRowIn } from '../tenants/service.ts';
import {
  type CustomerEmail,
  criticalAlerts,
  customerEmailTemplates,
  type OwnerAlert,
  ownerAlertTemplates,
} from './catalogue.ts';
import * as repo from './preferences-repo.ts';

export type CustomerEmailSettings = Record<CustomerEmail, boolean>;
export type OwnerAlertSettings = Record<OwnerAlert, boolean>;

/**
 * Who receives `template`: the tenant's owners and admins, less those who turned it off (a critical alert
 * reaches them all), and its billing contact once verified (an address outside the team, with no user to
 * hold preferences).
 */
export async function ownerAlertRecipients(
  tx: Tx,
  tenantId: string,
  template: OwnerAlert,
): Promise<string[]> {
  const members = await alertMembers(tx, tenantId);
  const muted = criticalAlerts.has(template)
    ? new Set<string>()
    : await repo.usersMuting(tx, tenantId, template);
  const tenant = await tenantRowIn(tx, tenantId);
  const contact =
    tenant?.billingContactEmail && tenant.billingContactVerifiedAt ? [tenant.billingContactEmail] : [];
  return [...new Set([...members.filter((m) => !muted.has(m.userId)).map((m) => m.email), ...contact])];
}

export async function customerEmailEnabled(
  tx: Tx,
  tenantId: string,
  template: CustomerEmail,
): Promise<boolean> {
  return (await repo.customerEmailRows(tx, tenantId)).get(template) ?? false;
}

async function customerSettingsIn(tx: Tx, tenantId: string): Promise<CustomerEmailSettings> {
  const rows = await repo.customerEmailRows(tx, tenantId);
  return Object.fromEntries(
    customerEmailTemplates.map((t) => [t, rows.get(t) ?? false]),
  ) as CustomerEmailSettings;
}

export function customerEmailSettings(scope: TenantScope): Promise<CustomerEmailSettings> {
  return inTenant(scope, 'notifications:read', (tx) => customerSettingsIn(tx, scope.tenantId));
}

export function updateCustomerEmailSettings(
  scope: TenantScope,
  changes: Partial<CustomerEmailSettings>,
): Promise<CustomerEmailSettings> {
  return inTenant(scope, 'notifications:write', async (tx) => {
    const before = await customerSettingsIn(tx, scope.tenantId);
    const changed = Object.entries(changes).filter(([t, on]) => before[t as CustomerEmail] !== on);
    for (const [template, enabled] of changed)
      await repo.setCustomerEmail(tx, scope.tenantId, template, enabled as boolean);
    if (changed.length > 0)
      await scope.audit(tx, {
        action: 'notification_preferences.updated',
        target: { kind: 'tenant', id: scope.tenantId },
        data: { customer_emails: Object.fromEntries(changed) },
      });
    return customerSettingsIn(tx, scope.tenantId);
  });
}

/** The user behind the session: preferences are a person's own. */
function sessionUser(scope: TenantScope): string {
  if (scope.actor.kind !== 'user')
    throw new ApiError(
      'user_session_required',
      'Alert preferences belong to a person: sign in to the dashboard to read or change yours.',
    );
  return scope.actor.userId;
}

async function alertSettingsIn(tx: Tx, tenantId: string, userId: string): Promise<OwnerAlertSettings> {
  const rows = await repo.memberAlertRows(tx, tenantId, userId);
  return Object.fromEntries(
    ownerAlertTemplates.map((t) => [t, criticalAlerts.has(t) || (rows.get(t) ?? true)]),
  ) as OwnerAlertSettings;
}

export function myAlertSettings(scope: TenantScope): Promise<OwnerAlertSettings> {
  const userId = sessionUser(scope);
  return inTenant(scope, 'notifications:read', (tx) => alertSettingsIn(tx, scope.tenantId, userId));
}

export function updateMyAlertSettings(
  scope: TenantScope,
  changes: Partial<OwnerAlertSettings>,
): Promise<OwnerAlertSettings> {
  const userId = sessionUser(scope);
  const critical = Object.entries(changes).find(
    ([t, on]) => on === false && criticalAlerts.has(t as OwnerAlert),
  );
  if (critical)
    throw new ApiError(
      'notification_alert_critical',
      `The ${critical[0]} alert cannot be turned off: only an owner or admin can act on it, and in time.`,
      { param: `owner_alerts[${critical[0]}]` },
    );
  return inTenant(scope, 'notifications:write', async (tx) => {
    const before = await alertSettingsIn(tx, scope.tenantId, userId);
    const changed = Object.entries(changes).filter(([t, on]) => before[t as OwnerAlert] !== on);
    for (const [template, enabled] of changed)
      await repo.setMemberAlert(tx, scope.tenantId, userId, template, enabled as boolean);
    if (changed.length > 0)
      await scope.audit(tx, {
        action: 'notification_preferences.member_updated',
        target: { kind: 'user', id: userId },
        data: { owner_alerts: Object.fromEntries(changed) },
      });
    return alertSettingsIn(tx, scope.tenantId, userId);
  });
}
