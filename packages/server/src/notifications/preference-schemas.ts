import { z } from 'zod';
import { criticalAlerts, customerEmailTemplates, ownerAlertTemplates } from './catalogue.ts';
import type { CustomerEmailSettings, OwnerAlertSettings } from './preferences.ts';

const customerEmail = z.enum(customerEmailTemplates);
const ownerAlert = z.enum(ownerAlertTemplates);

export const customerEmailPreferencesSchema = z.object({
  object: z.literal('notification_preferences'),
  /** which e-mails the tenant sends its customers; all off until turned on */
  customer_emails: z.record(customerEmail, z.boolean()),
});

export const updateCustomerEmailPreferencesBody = z.strictObject({
  customer_emails: z.partialRecord(customerEmail, z.boolean()),
});

export const memberAlertPreferencesSchema = z.object({
  object: z.literal('member_notification_preferences'),
  /** which owner alerts the signed-in user receives for this tenant */
  owner_alerts: z.record(ownerAlert, z.boolean()),
  /** alerts that cannot be turned off */
  critical: z.array(ownerAlert),
});

export const updateMemberAlertPreferencesBody = z.strictObject({
  owner_alerts: z.partialRecord(ownerAlert, z.boolean()),
});

export const toApiCustomerEmailPreferences = (
  s: CustomerEmailSettings,
): z.infer<typeof customerEmailPreferencesSchema> => ({
  object: 'notification_preferences',
  customer_emails: s,
});

export const toApiMemberAlertPreferences = (
  s: OwnerAlertSettings,
): z.infer<typeof memberAlertPreferencesSchema> => ({
  object: 'member_notification_preferences',
  owner_alerts: s,
  critical: [...criticalAlerts],
});
