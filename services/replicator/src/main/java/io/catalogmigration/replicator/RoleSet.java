package io.catalogmigration.replicator;

import io.catalogmigration.common.logging.ErrorText;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.pg.SqlIdentifier;
import io.catalogmigration.common.run.MigrationProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the schema dump does not carry about the database's roles, read from the source and applied on the target:
 * which roles the application has (those owning or granted its objects, and every other login role that is not a
 * superuser and not the migration's own, such as a monitoring role), their memberships (in each other and in the
 * predefined {@code pg_*} roles), their settings, the database's own settings and its privileges. A privilege the
 * target's administrator may not hand out is named in a note with the statement to run, not silently dropped.
 */
record RoleSet(List<String> roles, List<Membership> memberships, List<Setting> settings, List<String> databaseAcl,
               List<String> publicCreators) {

    private static final Logger log = LoggerFactory.getLogger(RoleSet.class);
    /** Setting names are identifiers, possibly qualified (an extension's {@code pg_stat_statements.max}). */
    private static final String FENCE_SETTING = "default_transaction_read_only";
    /** Settings whose value is a list (GUC_LIST_QUOTE): written item by item. */
    private static final Set<String> LISTS = Set.of("search_path", "temp_tablespaces", "local_preload_libraries",
            "session_preload_libraries");
    private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");

    record Membership(String role, String member) {
    }

    /** {@code role} null: the database's own setting; {@code database} null: the role's everywhere. */
    record Setting(String role, boolean inDatabase, String name, String value) {
    }

    /**
     * @param owners     roles owning or granted the database's objects ({@link SourceTables#roles})
     * @param migrations roles of the migration itself (its administrators, the replication user): not carried unless
     *                   they own or were granted something in the database
     */
    static RoleSet read(Connection source, List<String> owners, Collection<String> migrations) throws SQLException {
        Set<String> roles = new LinkedHashSet<>(owners);
        Sql.strings(source, """
                select rolname from pg_roles where rolcanlogin and not rolsuper and rolname !~ '^(pg_|rds)'
                order by 1""").stream().filter(r -> !migrations.contains(r)).forEach(roles::add);
        String[] carried = roles.toArray(String[]::new);
        List<Membership> memberships = new ArrayList<>();
        for (String row : Sql.strings(source, """
                select r.rolname || '|' || m.rolname from pg_auth_members a
                join pg_roles r on r.oid = a.roleid join pg_roles m on m.oid = a.member
                where m.rolname = any(?) and (r.rolname = any(?) or (r.rolname ~ '^pg_' and not r.rolsuper))
                order by 1""", carried, carried)) {
            String[] parts = row.split("\\|", 2);
            memberships.add(new Membership(parts[0], parts[1]));
        }
        List<Setting> settings = new ArrayList<>();
        try (var ps = source.prepareStatement("""
                select coalesce(r.rolname, ''), s.setdatabase <> 0, c.setting
                from pg_db_role_setting s left join pg_roles r on r.oid = s.setrole, unnest(s.setconfig) c(setting)
                where (s.setdatabase = (select oid from pg_database where datname = current_database()) or s.setdatabase = 0)
                  and (s.setrole = 0 and s.setdatabase <> 0 or r.rolname = any(?))
                order by 1, 2, 3""")) {
            ps.setArray(1, source.createArrayOf("text", carried));
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    String[] nameValue = rs.getString(3).split("=", 2);
                    if (nameValue[0].equalsIgnoreCase(FENCE_SETTING)) {
                        continue; // the cutover's fence, not the application's: copied, it would make the target read-only
                    }
                    String role = rs.getString(1);
                    settings.add(new Setting(role.isEmpty() ? null : role, rs.getBoolean(2), nameValue[0],
                            nameValue.length > 1 ? nameValue[1] : ""));
                }
            }
        }
        List<String> acl = Sql.strings(source, """
                select coalesce(nullif(g.rolname, ''), 'PUBLIC') || '|' || a.privilege_type
                from pg_database d, aclexplode(d.datacl) a left join pg_roles g on g.oid = a.grantee
                where d.datname = current_database() order by 1""");
        // PostgreSQL 15 took CREATE on schema public from PUBLIC: on a 13 source the application created its tables
        // there as anyone could, and on the target its roles could not even be given their own objects back.
        List<String> publicCreators = Sql.strings(source, """
                select distinct pg_get_userbyid(o.owner) from (
                    select relowner from pg_class where relnamespace = 'public'::regnamespace
                    union select proowner from pg_proc where pronamespace = 'public'::regnamespace) o(owner)
                join pg_roles r on r.oid = o.owner
                where not r.rolsuper and exists (
                    select 1 from pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
                    where n.nspname = 'public' and a.grantee = 0 and a.privilege_type = 'CREATE')
                order by 1""");
        return new RoleSet(List.copyOf(roles), memberships, settings, acl, publicCreators);
    }

    /**
     * Runs the schema script with the owners of objects in schema public allowed to create there for its duration,
     * where the source lets PUBLIC create in it and the target does not (13 to 15+): the script gives each object to
     * its owner before it restores the schema's privileges (PUBLIC's CREATE included), and PostgreSQL refuses an
     * owner who may not create in the schema. The grants are taken back afterwards: the privileges are the source's.
     */
    void withPublicCreate(Connection target, Connection source, SqlStep script) throws SQLException {
        // roles the source's own privileges on public let create: the script grants them CREATE again itself
        List<String> sourceCreators = publicCreators.isEmpty() ? List.of() : Sql.strings(source, """
                select pg_get_userbyid(a.grantee) from pg_namespace n, aclexplode(n.nspacl) a
                where n.nspname = 'public' and a.grantee <> 0 and a.privilege_type = 'CREATE'""");
        List<String> granted = new ArrayList<>();
        if (!publicCreators.isEmpty() && !Sql.exists(target, """
                select 1 from pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
                where n.nspname = 'public' and a.grantee = 0 and a.privilege_type = 'CREATE'""")) {
            // not has_schema_privilege: the database's owner may create now, but the script gives the schema away
            for (String role : publicCreators) {
                if (Sql.exists(target, "select 1 from pg_roles where rolname = ?", role)) {
                    Sql.execute(target, "GRANT CREATE ON SCHEMA public TO " + SqlIdentifier.quote(role));
                    granted.add(role);
                }
            }
            log.info("CREATE on schema public granted to {} while the schema is applied (PostgreSQL 13's PUBLIC could)", granted);
        }
        script.run();
        for (String role : granted.stream().filter(r -> !sourceCreators.contains(r)).toList()) {
            Sql.execute(target, "REVOKE CREATE ON SCHEMA public FROM " + SqlIdentifier.quote(role));
        }
    }

    interface SqlStep {
        void run() throws SQLException;
    }

    /** Memberships and the roles' own settings: once the roles exist on the target. */
    void applyToRoles(Connection target, List<String> notes) throws SQLException {
        for (Membership m : memberships) {
            if (Sql.exists(target, "select 1 from pg_auth_members a join pg_roles r on r.oid = a.roleid "
                    + "join pg_roles m on m.oid = a.member where r.rolname = ? and m.rolname = ?", m.role(), m.member())) {
                continue;
            }
            String grant = "GRANT " + SqlIdentifier.quote(m.role()) + " TO " + SqlIdentifier.quote(m.member());
            if (!Sql.exists(target, "select 1 from pg_roles where rolname = ?", m.role())) {
                notes.add("role " + m.member() + " is a member of " + m.role() + " on the source, a role the target does "
                        + "not have: create it, then run " + grant);
                continue;
            }
            attempt(target, grant, notes, "membership");
        }
        for (Setting s : settings) {
            if (s.role() != null && !s.inDatabase()) {
                attempt(target, "ALTER ROLE " + SqlIdentifier.quote(s.role()) + " SET " + assignment(s), notes, "role setting");
            }
        }
    }

    /** The database's settings, its roles' settings in it, and its privileges: once the database exists. */
    void applyToDatabase(Connection target, String database, List<String> notes) throws SQLException {
        String db = SqlIdentifier.quote(database);
        for (Setting s : settings) {
            if (s.inDatabase()) {
                String sql = s.role() == null ? "ALTER DATABASE " + db + " SET " + assignment(s)
                        : "ALTER ROLE " + SqlIdentifier.quote(s.role()) + " IN DATABASE " + db + " SET " + assignment(s);
                attempt(target, sql, notes, "setting");
            }
        }
        if (databaseAcl.isEmpty()) {
            return; // the default privileges: PUBLIC may connect and create temporary tables, as on the target
        }
        attempt(target, "REVOKE ALL ON DATABASE " + db + " FROM PUBLIC", notes, "database privilege");
        for (String entry : databaseAcl) {
            String[] parts = entry.split("\\|", 2);
            String grantee = parts[0].equals("PUBLIC") ? "PUBLIC" : SqlIdentifier.quote(parts[0]);
            if (!parts[0].equals("PUBLIC") && !Sql.exists(target, "select 1 from pg_roles where rolname = ?", parts[0])) {
                continue; // the database's owner or the administrator: their privileges come with the role
            }
            attempt(target, "GRANT " + parts[1] + " ON DATABASE " + db + " TO " + grantee, notes, "database privilege");
        }
    }

    static String assignment(Setting s) {
        if (!SETTING_NAME.matcher(s.name()).matches()) {
            throw new MigrationProblem("a setting on the source has a name that is not an identifier: " + s.name(),
                    "remove it on the source (ALTER ... RESET), then send StartReplication again");
        }
        if (!LISTS.contains(s.name().toLowerCase(java.util.Locale.ROOT))) {
            return s.name() + " = " + Sql.literal(s.value());
        }
        // pg_db_role_setting keeps a list as its text ("$user", public): one literal each, or it becomes one element
        List<String> items = new ArrayList<>();
        StringBuilder item = new StringBuilder();
        boolean quoted = false;
        for (char c : (s.value() + ",").toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                items.add(Sql.literal(item.toString().strip()));
                item.setLength(0);
            } else {
                item.append(c);
            }
        }
        return s.name() + " = " + String.join(", ", items);
    }

    /** A privilege the administrator may not give is a note naming the statement, not a failed start. */
    private static void attempt(Connection target, String sql, List<String> notes, String what) throws SQLException {
        try {
            Sql.execute(target, sql);
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) {
                throw e;
            }
            notes.add(what + " not carried: the target's administrator may not (" + ErrorText.message(e) + "); run as a role that may: " + sql);
            log.warn("{} not carried over: {}", what, ErrorText.message(e));
        }
    }
}
