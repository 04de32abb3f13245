-- The platform's plans, prices, limits, meters and exchange rates belong to no tenant: every context may
-- read them (a tenant's entitlements join its plan); only the operator's system context writes them.
ALTER TABLE "plans" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "plans" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY readable ON "plans" FOR SELECT USING (true);--> statement-breakpoint
ALTER TABLE "plan_prices" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "plan_prices" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY readable ON "plan_prices" FOR SELECT USING (true);--> statement-breakpoint
ALTER TABLE "plan_limits" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "plan_limits" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY readable ON "plan_limits" FOR SELECT USING (true);--> statement-breakpoint
ALTER TABLE "plan_overage_prices" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "plan_overage_prices" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY readable ON "plan_overage_prices" FOR SELECT USING (true);--> statement-breakpoint
ALTER TABLE "billing_meters" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "billing_meters" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY readable ON "billing_meters" FOR SELECT USING (true);--> statement-breakpoint
ALTER TABLE "currency_rates" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "currency_rates" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY readable ON "currency_rates" FOR SELECT USING (true);--> statement-breakpoint
ALTER TABLE "tenant_billing" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tenant_billing" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "tenant_billing"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
ALTER TABLE "usage_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "usage_events" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "usage_events"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
ALTER TABLE "usage_summaries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "usage_summaries" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "usage_summaries"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
ALTER TABLE "usage_alerts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "usage_alerts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "usage_alerts"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
ALTER TABLE "meter_reports" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "meter_reports" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "meter_reports"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
