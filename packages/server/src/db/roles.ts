/** The role every request and job runs as: no BYPASSRLS, owns nothing. */
export const APP_ROLE = 'tributary_app';
/** The role withSystem() switches to for the few audited cross-tenant reads and writes. */
export const SYSTEM_ROLE = 'tributary_system';

const createRole = (name: string, attrs: string) => `
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${name}') THEN
    CREATE ROLE ${name} ${attrs};
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;`;

/**
 * Roles are per server, not per database, and parallel test databases create them at the same time:
 * creation tolerates a concurrent twin ('tuple concurrently updated' included) and retries.
 */
export function roleSetupSql(): string[] {
  return [
    createRole(APP_ROLE, 'NOLOGIN NOBYPASSRLS NOSUPERUSER NOCREATEDB NOCREATEROLE'),
    createRole(SYSTEM_ROLE, 'NOLOGIN BYPASSRLS NOSUPERUSER NOCREATEDB NOCREATEROLE'),
  ];
}

/** Grants on the objects that exist now; run after every migration (idempotent). */
export function grantSql(bossSchema: string): string {
  return `
GRANT USAGE ON SCHEMA public TO ${APP_ROLE}, ${SYSTEM_ROLE};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${APP_ROLE}, ${SYSTEM_ROLE};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLE}, ${SYSTEM_ROLE};
GRANT USAGE ON SCHEMA drizzle TO ${APP_ROLE};
GRANT SELECT ON TABLE drizzle.__drizzle_migrations TO ${APP_ROLE};
GRANT USAGE ON SCHEMA ${bossSchema} TO ${APP_ROLE}, ${SYSTEM_ROLE};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${bossSchema} TO ${APP_ROLE}, ${SYSTEM_ROLE};
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${bossSchema} TO ${APP_ROLE}, ${SYSTEM_ROLE};
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${bossSchema} TO ${APP_ROLE}, ${SYSTEM_ROLE};
`;
}
