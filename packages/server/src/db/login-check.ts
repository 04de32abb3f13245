import { sql } from 'drizzle-orm';
import { ConfigError } from '../config.ts';
import { type Database, queryRows } from './client.ts';
import { LOGIN_ROLE, SERVER_ACCESS_ROLES, SYSTEM_ROLE } from './roles.ts';

interface SessionPowers {
  user: string;
  superuser: boolean;
  bypassrls: boolean;
  replication: boolean;
  createrole: boolean;
  /** roles with REPLICATION or CREATEROLE it can SET ROLE to, with the attribute */
  powers_via: string | null;
  /** pg_execute_server_program & co that it is a member of, directly or through a role it can SET ROLE to */
  server_access: string | null;
  /** superuser roles it can SET ROLE to */
  superuser_via: string | null;
  /** BYPASSRLS roles it can SET ROLE to, tributary_system (withSystem's) aside */
  bypassrls_via: string | null;
  /** tables (and views, sequences) it owns or can SET ROLE to the owner of: a few, for the message */
  owned: string | null;
}

/**
 * Refuses to serve from a database session that could undo row-level security: a session user that is a
 * superuser, has BYPASSRLS, or owns a table (an owner may ALTER or DISABLE its policies) — or can become
 * one: REPLICATION (logical decoding reads every row, past row-level security),
 * CREATEROLE (grants itself any role but a superuser, pg_execute_server_program and the tables' owner
 * included), or membership in pg_execute_server_program, pg_read_server_files or pg_write_server_files (a
 * shell, or the data directory). Each directly or through a role it can SET ROLE to. Run by `serve` and
 * `worker` before they start; PGlite has one user.
 */
export async function assertUnprivilegedLogin(database: Database): Promise<void> {
  if (database.kind !== 'pg') return;
  const [s] = await queryRows<SessionPowers>(
    database.db,
    sql`select session_user as "user", r.rolsuper as superuser, r.rolbypassrls as bypassrls,
          r.rolreplication as replication, r.rolcreaterole as createrole,
          (select string_agg(format('%s (%s)', x.rolname, concat_ws(', ',
                    case when x.rolreplication then 'REPLICATION' end,
                    case when x.rolcreaterole then 'CREATEROLE' end)), ', ' order by x.rolname)
            from pg_roles x
            where (x.rolreplication or x.rolcreaterole) and x.oid <> r.oid
              and pg_has_role(r.oid, x.oid, 'MEMBER')) as powers_via,
          (select string_agg(x.rolname, ', ' order by x.rolname) from pg_roles x
            where x.rolname = any(${`{${SERVER_ACCESS_ROLES.join(',')}}`}::text[])
              and pg_has_role(r.oid, x.oid, 'MEMBER')) as server_access,
          (select string_agg(x.rolname, ', ' order by x.rolname) from pg_roles x
            where x.rolsuper and x.oid <> r.oid and pg_has_role(r.oid, x.oid, 'MEMBER')) as superuser_via,
          (select string_agg(x.rolname, ', ' order by x.rolname) from pg_roles x
            where x.rolbypassrls and x.oid <> r.oid and x.rolname <> ${SYSTEM_ROLE}
              and pg_has_role(r.oid, x.oid, 'MEMBER')) as bypassrls_via,
          (select string_agg(o.name, ', ') from (
             select format('%I.%I', n.nspname, c.relname) as name from pg_class c
             join pg_namespace n on n.oid = c.relnamespace
             where c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
               and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
               and pg_has_role(r.oid, c.relowner, 'MEMBER')
             order by 1 limit 3) o) as owned
        from pg_roles r where r.rolname = session_user`,
  );
  if (!s) throw new Error('the database session user is not in pg_roles');
  const problems = [
    s.superuser && 'is a superuser', // (which is every other power too)
    ...(s.superuser
      ? []
      : [
          s.bypassrls && 'has BYPASSRLS',
          s.superuser_via && `can SET ROLE to the superuser ${s.superuser_via}`,
          s.bypassrls_via && `can SET ROLE to ${s.bypassrls_via}, which has BYPASSRLS`,
          s.owned && `owns ${s.owned} (or can SET ROLE to its owner)`,
          s.replication && 'has REPLICATION (logical decoding reads every row)',
          s.createrole && 'has CREATEROLE (it can grant itself other roles)',
          s.powers_via && `can SET ROLE to ${s.powers_via}`,
          s.server_access &&
            `is a member of ${s.server_access} (the database server's files or a shell, directly or by SET ROLE)`,
        ]),
  ].filter(Boolean);
  if (problems.length === 0) return;
  const fix = database.login?.managed
    ? `The role \`tributary migrate\` manages (${LOGIN_ROLE}) was changed by hand: run \`tributary migrate\` again, or set DATABASE_APP_URL to a role without these powers.`
    : `Unset DATABASE_APP_URL to log in as the role \`tributary migrate\` creates (${LOGIN_ROLE}), or point it at a role with none of these powers (docs/security.md, the login role).`;
  throw new ConfigError(
    `Refusing to start: the database session user '${s.user}' ${problems.join(', ')}; the server would then not be bound by row-level security. ${fix}`,
  );
}
