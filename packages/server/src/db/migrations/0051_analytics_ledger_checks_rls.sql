-- The ledger check's runs are the platform's alone: row-level security forced with no policy, so no tenant
-- context reads or writes them (the system role, which bypasses it, does).
ALTER TABLE "analytics_ledger_checks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "analytics_ledger_checks" FORCE ROW LEVEL SECURITY;
