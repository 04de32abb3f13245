-- A tenant's snapshots are its own: forced row-level security like mrr_changes, which they are computed from.
ALTER TABLE "mrr_snapshots" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "mrr_snapshots" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "mrr_snapshots"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
ALTER TABLE "mrr_snapshot_states" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "mrr_snapshot_states" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "mrr_snapshot_states"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
-- The platform's snapshots belong to no tenant, like platform_mrr_changes: no policy, the system role only.
ALTER TABLE "platform_mrr_snapshots" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "platform_mrr_snapshots" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "platform_mrr_snapshot_states" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "platform_mrr_snapshot_states" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- Every history recorded before snapshots existed is marked for a full build from its first change (the job
-- or the first read builds it).
INSERT INTO "analytics_restate_from" (tenant_id, restate_from)
  SELECT tenant_id, min(at) FROM "mrr_changes" GROUP BY tenant_id
  ON CONFLICT (tenant_id) DO UPDATE SET restate_from = least(analytics_restate_from.restate_from, excluded.restate_from);--> statement-breakpoint
INSERT INTO "platform_analytics_restate_from" (scope, restate_from)
  SELECT 'platform', min(at) FROM "platform_mrr_changes" HAVING count(*) > 0
  ON CONFLICT (scope) DO UPDATE SET restate_from = least(platform_analytics_restate_from.restate_from, excluded.restate_from);
