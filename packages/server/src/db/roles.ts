/** The login role of a Postgres database: who the pool logs in as, and what migrate must set up for it. */
export interface LoginRole {
  name: string;
  /** created and altered by migrate (else the operator's DATABASE_APP_URL user, only granted the roles) */
  managed: boolean;
  password: string | null;
}

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

/**
 * Predefined roles that reach the database server's files or run programs there (COPY … TO PROGRAM runs a
 * shell as the postgres OS user): a superuser in all but name. The server's roles are members of none.
 */
export const SERVER_ACCESS_ROLES = [
  'pg_execute_server_program',
  'pg_read_server_files',
  'pg_write_server_files',
] as const;

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
  const app = 'NOLOGIN NOBYPASSRLS NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION';
  const system = 'NOLOGIN BYPASSRLS NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION';
  return [
    createRole(APP_ROLE, app),
    createRole(SYSTEM_ROLE, system),
    resetAttributesSql(
      APP_ROLE,
      app,
      'rolsuper OR rolbypassrls OR rolcreatedb OR rolcreaterole OR rolreplication OR rolcanlogin',
    ),
    resetAttributesSql(
      SYSTEM_ROLE,
      system,
      'rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolcanlogin',
    ),
    // the login role reaches both by SET ROLE: neither may lead further
    revokeMembershipsSql(APP_ROLE, []),
    revokeMembershipsSql(SYSTEM_ROLE, []),
  ];
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
const quoteLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * Revokes every role membership of `name` but `keep`, so no SET ROLE chain leads from it to a role that
 * reaches the server's files, has CREATEROLE or REPLICATION, or owns a table. A
 * membership the migrator may not revoke is left with a warning: `serve` then refuses to start, naming it.
 */
function revokeMembershipsSql(name: string, keep: readonly string[]): string {
  return `
DO $$
DECLARE g text;
BEGIN
  FOR g IN SELECT r.rolname FROM pg_auth_members m
           JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
           WHERE u.rolname = ${quoteLiteral(name)}
             AND r.rolname <> ALL (ARRAY[${keep.map(quoteLiteral).join(', ') || "''"}]::text[]) LOOP
    BEGIN
      EXECUTE format('REVOKE %I FROM %I', g, ${quoteLiteral(name)});
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE WARNING 'tributary: could not revoke % from %: %', g, ${quoteLiteral(name)}, SQLERRM;
    END;
  END LOOP;
END $$;`;
}

/** Puts a role back to `attrs` when someone gave it one of the powers they deny (ALTER needs that only then). */
function resetAttributesSql(name: string, attrs: string, changed: string): string {
  return `
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${quoteLiteral(name)} AND (${changed})) THEN
    ALTER ROLE ${quoteIdent(name)} ${attrs};
  END IF;
END $$;`;
}

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
  return [
    ...managed,
    // the role migrate manages is a member of these two only (whatever was granted to it by hand)
    ...(login.managed ? [revokeMembershipsSql(login.name, [APP_ROLE, SYSTEM_ROLE])] : []),
    `GRANT ${APP_ROLE}, ${SYSTEM_ROLE} TO ${role}`,
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
