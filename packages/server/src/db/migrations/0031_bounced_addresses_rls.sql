-- Bounced addresses are tenant-owned: a tenant sees its own only.
ALTER TABLE "notification_bounced_addresses" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "notification_bounced_addresses" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "notification_bounced_addresses"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
