import type { LoginRole } from './client.ts';

/** The role every request and job runs as: no BYPASSRLS, owns nothing. */
export const APP_ROLE = 'tributary_app';
/** The role withSystem() switches to for the few audited cross-tenant reads and writes. */
export const SYSTEM_ROLE = 'tributary_system';
/**
 * The role the server's pool and pg-boss log in as on Postgres unless DATABASE_APP_URL names another: no
 * superuser, no BYPASSRLS, owns nothing, and NOINHERIT, so it holds no privilege of its own; each
 * connection starts as tributary_app (`-c role=`) and withSystem switches to tributary_system. It cannot
 * SET ROLE to the owner or a superuser: it is no member of them.
 */
export const LOGIN_ROLE = 'tributary_server';
const LOGIN_ATTRIBUTES = 'LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION';

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

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
const quoteLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * The login role: created (or put back to its attributes when someone changed them) and given its
 * password when it is managed here; granted the app and system roles either way. Per server like the
 * others, so it shares their tolerance of concurrent creation. Without a password an existing one is left
 * alone (trust/peer setups, or one set by hand).
 */
export function loginRoleSql(login: LoginRole, verifier: (password: string) => string): string[] {
  const role = quoteIdent(login.name);
  const managed = login.managed
    ? [
        `
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${quoteLiteral(login.name)}) THEN
    CREATE ROLE ${role} ${LOGIN_ATTRIBUTES};
  ELSIF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${quoteLiteral(login.name)} AND (rolsuper OR rolbypassrls
      OR rolcreatedb OR rolcreaterole OR rolreplication OR rolinherit OR NOT rolcanlogin)) THEN
    ALTER ROLE ${role} ${LOGIN_ATTRIBUTES};
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;`,
        ...(login.password ? [`ALTER ROLE ${role} PASSWORD ${quoteLiteral(verifier(login.password))}`] : []),
      ]
    : [];
  return [...managed, `GRANT ${APP_ROLE}, ${SYSTEM_ROLE} TO ${role}`];
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
