-- A change to any row a tenant's entitlements are read from is announced on the channel the servers'
-- entitlements caches listen on: the tenants whose rows changed (ids separated by spaces, at most 200 in
-- one announcement, once per statement however many rows it touched), or '*' when a plan or its limits
-- changed (every tenant on it may read differently), or a tenant table was truncated. A deleted tenant is
-- announced too (its answer, even one with no billing row, must not outlive it).
CREATE OR REPLACE FUNCTION entitlements_announce_tenants() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  batch text;
BEGIN
  FOR batch IN
    SELECT string_agg(t, ' ') FROM (
      SELECT t, (row_number() OVER ()) / 200 AS g FROM (SELECT DISTINCT tenant_id::text AS t FROM changed_rows) d
    ) n GROUP BY g
  LOOP
    PERFORM pg_notify('tributary_entitlements', batch);
  END LOOP;
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION entitlements_announce_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('tributary_entitlements', '*');
  RETURN NULL;
END;
$$;--> statement-breakpoint
DO $$
DECLARE
  tbl text;
BEGIN
  FOREACH tbl IN ARRAY ARRAY['tenant_billing', 'usage_summaries', 'usage_alerts', 'memberships'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS changed_rows
      FOR EACH STATEMENT EXECUTE FUNCTION entitlements_announce_tenants()', tbl || '_inserted_announce', tbl);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS changed_rows
      FOR EACH STATEMENT EXECUTE FUNCTION entitlements_announce_tenants()', tbl || '_updated_announce', tbl);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS changed_rows
      FOR EACH STATEMENT EXECUTE FUNCTION entitlements_announce_tenants()', tbl || '_deleted_announce', tbl);
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I
      FOR EACH STATEMENT EXECUTE FUNCTION entitlements_announce_all()', tbl || '_truncated_announce', tbl);
  END LOOP;
END;
$$;--> statement-breakpoint
CREATE FUNCTION tenants_announce_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('tributary_entitlements', OLD.id::text);
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER tenants_deleted_announce AFTER DELETE ON "tenants"
  FOR EACH ROW EXECUTE FUNCTION tenants_announce_deleted();--> statement-breakpoint
CREATE TRIGGER plans_changed_announce AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "plans"
  FOR EACH STATEMENT EXECUTE FUNCTION entitlements_announce_all();--> statement-breakpoint
CREATE TRIGGER plan_limits_changed_announce AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "plan_limits"
  FOR EACH STATEMENT EXECUTE FUNCTION entitlements_announce_all();
