-- Inbox, applied Stripe state and outbound events are tenant-owned: a tenant sees its own rows.
-- Rows with no tenant (platform events, unknown connected accounts) are reached only through withSystem.
ALTER TABLE "stripe_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "stripe_events" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "stripe_events"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
ALTER TABLE "stripe_objects" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "stripe_objects" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "stripe_objects"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
ALTER TABLE "outbound_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "outbound_events" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "outbound_events"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
-- The platform's outbound endpoints and their delivery bookkeeping belong to no tenant: system role only.
ALTER TABLE "webhook_endpoints" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "outbound_deliveries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "outbound_deliveries" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "outbound_attempts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "outbound_attempts" FORCE ROW LEVEL SECURITY;
