-- Every change to an API key that can alter what it may do (created, revoked, deleted with its tenant, its
-- scopes, type, owner or secret changed) is announced on the channel the servers' key caches listen on,
-- with the key's secret hash (never the key). Touching last_used_at announces nothing.
CREATE OR REPLACE FUNCTION api_keys_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM pg_notify('tributary_api_keys', OLD.secret_hash);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.secret_hash IS DISTINCT FROM OLD.secret_hash) THEN
    PERFORM pg_notify('tributary_api_keys', NEW.secret_hash);
  END IF;
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER api_keys_changed
  AFTER INSERT OR UPDATE OF revoked_at, scopes, type, tenant_id, secret_hash OR DELETE ON "api_keys"
  FOR EACH ROW EXECUTE FUNCTION api_keys_announce_change();
