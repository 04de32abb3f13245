-- A tenant's MRR history of its own customers is its own: forced row-level security like every tenant table.
ALTER TABLE "mrr_observations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "mrr_observations" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "mrr_observations"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
ALTER TABLE "mrr_changes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "mrr_changes" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "mrr_changes"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
ALTER TABLE "analytics_restate_from" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "analytics_restate_from" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "analytics_restate_from"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
-- The platform's MRR history of its tenants' plans belongs to no tenant: no policy, so only the system role
-- (BYPASSRLS) reads or writes it; a tenant's transaction switches to it for these writes alone
-- (db/tenant.ts, asSystemInTx).
ALTER TABLE "platform_mrr_observations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "platform_mrr_observations" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "platform_mrr_suspensions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "platform_mrr_suspensions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "platform_mrr_changes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "platform_mrr_changes" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "platform_analytics_restate_from" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "platform_analytics_restate_from" FORCE ROW LEVEL SECURITY;
