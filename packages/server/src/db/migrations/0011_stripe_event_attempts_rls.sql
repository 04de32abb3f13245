-- Per-attempt history of inbound events follows its event: a tenant sees its own events' attempts;
-- those of platform events and unknown accounts (tenant_id null) are reached only through withSystem.
ALTER TABLE "stripe_event_attempts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "stripe_event_attempts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "stripe_event_attempts"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
