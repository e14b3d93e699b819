package io.catalogmigration.common.inventory;

import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.pg.Transactions;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every object of one database that the application may rely on, by kind and name: tables (with their persistence and
 * row security), partitioned tables, views, materialized views (populated or not), sequences, foreign tables and
 * servers, schemas, types, functions, procedures and aggregates, triggers (with their firing state), event triggers,
 * policies, extensions, large objects (their count), the roles owning or granted objects, and the grants themselves.
 * Objects of extensions, of the system and of the migration itself ({@code migration_verify}) are left out: they come
 * with their extension, or go with the migration.
 *
 * <p>Taken on the source and on the target, two inventories say what the target would lose: {@link #lostOn}.
 */
public record Inventory(Map<String, Item> items) {

    /** One object: {@code kind name}, as the operator names it to accept its loss, and what must also match. */
    public record Item(String kind, String name, String detail) {

        public String key() {
            return kind + " " + name;
        }
    }

    /** An object the target lacks, or has differently ({@code found} is the target's detail, null when absent). */
    public record Loss(Item item, String found) {

        public String describe() {
            return item.key() + (found == null ? "" : " (" + item.detail() + " on the source, " + found + " on the target)");
        }
    }

    /**
     * Kinds whose content the migration carries and compares itself (the large objects' set and hashes, a view's
     * rows): their count or populated state may lag until the next check or the window, so here only presence counts.
     */
    private static final Set<String> CONTENT_CHECKED_ELSEWHERE = Set.of("large objects", "materialized view");
    private static final String USER_SCHEMA = """
            n.nspname not in ('pg_catalog', 'information_schema', 'migration_verify') and n.nspname !~ '^pg_(toast|temp)'""";
    private static final String NOT_EXTENSION = """
            not exists (select 1 from pg_depend d where d.objid = %s and d.deptype = 'e')""";

    /**
     * The queries, one per family of kinds, each giving kind, name, detail. Names are printed with search_path set to
     * pg_catalog only, so every type in a signature is schema-qualified and reads the same on both servers.
     */
    private static final List<String> QUERIES = List.of(
            """
            select case c.relkind when 'r' then 'table' when 'p' then 'partitioned table' when 'v' then 'view'
                     when 'm' then 'materialized view' when 'S' then 'sequence' when 'f' then 'foreign table' end,
                   n.nspname || '.' || c.relname,
                   case when c.relkind in ('r', 'p') then case c.relpersistence when 'u' then 'unlogged' else 'logged' end
                          || case when c.relrowsecurity then ', row security' else '' end
                        when c.relkind = 'm' then case when c.relispopulated then 'populated' else 'not populated' end
                        else '' end
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and %s and %s
            """.formatted(USER_SCHEMA, NOT_EXTENSION.formatted("c.oid")),
            """
            select 'schema', n.nspname, '' from pg_namespace n where %s and %s
            """.formatted(USER_SCHEMA, NOT_EXTENSION.formatted("n.oid")),
            """
            select 'type', n.nspname || '.' || t.typname,
                   case t.typtype when 'e' then 'enum' when 'd' then 'domain' when 'r' then 'range' else 'composite' end
            from pg_type t join pg_namespace n on n.oid = t.typnamespace
            where (t.typtype in ('e', 'd', 'r') or (t.typtype = 'c' and (select relkind from pg_class where oid = t.typrelid) = 'c'))
              and %s and %s
            """.formatted(USER_SCHEMA, NOT_EXTENSION.formatted("t.oid")),
            """
            select case p.prokind when 'p' then 'procedure' when 'a' then 'aggregate' else 'function' end,
                   n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', ''
            from pg_proc p join pg_namespace n on n.oid = p.pronamespace where %s and %s
            """.formatted(USER_SCHEMA, NOT_EXTENSION.formatted("p.oid")),
            """
            select 'trigger', n.nspname || '.' || c.relname || '.' || t.tgname,
                   case t.tgenabled when 'O' then 'enabled' when 'D' then 'disabled' when 'R' then 'replica'
                     else 'always' end
            from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
            where not t.tgisinternal and t.tgname !~ '^migration_' and %s and %s
            """.formatted(USER_SCHEMA, NOT_EXTENSION.formatted("t.oid")),
            """
            select 'event trigger', e.evtname, e.evtevent from pg_event_trigger e
            where e.evtname !~ '^migration_' and %s
            """.formatted(NOT_EXTENSION.formatted("e.oid")),
            """
            select 'policy', n.nspname || '.' || c.relname || '.' || p.polname, p.polcmd::text
            from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
            where %s
            """.formatted(USER_SCHEMA),
            """
            select 'extension', e.extname, '' from pg_extension e where e.extname <> 'plpgsql'
            """,
            """
            select 'foreign server', s.srvname, '' from pg_foreign_server s where %s
            """.formatted(NOT_EXTENSION.formatted("s.oid")),
            """
            select 'large objects', 'in ' || current_database(), count(*)::text from pg_largeobject_metadata
            having count(*) > 0
            """,
            // The privileges granted on relations, functions, schemas and types to anyone but their owner (whose own
            // privileges are implicit, and grow with the major: 17 adds MAINTAIN), and the default privileges.
            """
            select 'grant', o.what || ' to ' || case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end,
                   string_agg(a.privilege_type || case when a.is_grantable then ' with grant option' else '' end, ', '
                              order by a.privilege_type)
            from (
                select 'on ' || case c.relkind when 'S' then 'sequence ' else 'table ' end || n.nspname || '.' || c.relname,
                       c.relacl, c.relowner
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where c.relacl is not null and %1$s and %2$s
                union all
                select 'on function ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
                       p.proacl, p.proowner
                from pg_proc p join pg_namespace n on n.oid = p.pronamespace where p.proacl is not null and %1$s and %3$s
                union all
                select 'on schema ' || n.nspname, n.nspacl, n.nspowner from pg_namespace n
                where n.nspacl is not null and %1$s
            ) o(what, acl, owner), aclexplode(o.acl) a
            where a.grantee <> o.owner
            group by o.what, a.grantee
            """.formatted(USER_SCHEMA, NOT_EXTENSION.formatted("c.oid"), NOT_EXTENSION.formatted("p.oid")),
            """
            select 'default privileges', pg_get_userbyid(d.defaclrole) || coalesce(' in schema ' || n.nspname, '')
                     || ' on ' || case d.defaclobjtype when 'r' then 'tables' when 'S' then 'sequences'
                       when 'f' then 'functions' when 'T' then 'types' else 'schemas' end,
                   d.defaclacl::text
            from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace
            """,
            """
            select 'role', r.rolname, '' from pg_roles r where r.oid in (
                select c.relowner from pg_class c join pg_namespace n on n.oid = c.relnamespace where %1$s
                union select p.proowner from pg_proc p join pg_namespace n on n.oid = p.pronamespace where %1$s
                union select n.nspowner from pg_namespace n where %1$s
                union select datdba from pg_database where datname = current_database())
              and r.rolname !~ '^(pg_|rds)'
            """.formatted(USER_SCHEMA));

    /** The inventory of the database {@code connection} is on (one transaction, search_path pg_catalog). */
    public static Inventory take(Connection connection) throws SQLException {
        Map<String, Item> items = new TreeMap<>();
        Transactions.inOne(connection, () -> {
            Sql.execute(connection, "set local search_path = pg_catalog");
            for (String sql : QUERIES) {
                try (var statement = connection.createStatement(); var rs = statement.executeQuery(sql)) {
                    while (rs.next()) {
                        var item = new Item(rs.getString(1), rs.getString(2), rs.getString(3) == null ? "" : rs.getString(3));
                        items.put(item.key(), item);
                    }
                }
            }
            return null;
        });
        return new Inventory(items);
    }

    /**
     * What this (the source's) inventory has that {@code target}'s lacks or has otherwise. Objects only the target
     * has are no loss. Extensions are compared by name only (their versions differ between majors).
     */
    public List<Loss> lostOn(Inventory target) {
        List<Loss> lost = new ArrayList<>();
        for (Item item : items.values()) {
            Item there = target.items().get(item.key());
            if (there == null) {
                lost.add(new Loss(item, null));
            } else if (!there.detail().equals(item.detail()) && !CONTENT_CHECKED_ELSEWHERE.contains(item.kind())) {
                lost.add(new Loss(item, there.detail()));
            }
        }
        return lost;
    }

    /** How many objects of each kind, for a readable line ("12 table, 3 view, ..."). */
    public Map<String, Integer> countsByKind() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        items.values().forEach(i -> counts.merge(i.kind(), 1, Integer::sum));
        return counts;
    }

    /**
     * This inventory without the grants to {@code roles}: the migration's own logins (the replication user's SELECT,
     * which the replicator grants on the source and deliberately does not copy), which go with the migration.
     */
    public Inventory withoutGrantsTo(Collection<String> roles) {
        if (roles.isEmpty()) {
            return this;
        }
        Map<String, Item> kept = new LinkedHashMap<>();
        items.forEach((key, item) -> {
            boolean toRole = item.kind().equals("grant") && roles.stream().anyMatch(r -> item.name().endsWith(" to " + r));
            if (!toRole) {
                kept.put(key, item);
            }
        });
        return new Inventory(kept);
    }

    /**
     * The losses not named in {@code accepted} (each entry a {@link Item#key()}). What belongs to an accepted object
     * goes with it: the grants on it, and a table's triggers and policies.
     */
    public static List<Loss> unaccepted(List<Loss> losses, Collection<String> accepted) {
        Set<String> names = Set.copyOf(accepted);
        Set<String> acceptedObjects = new java.util.HashSet<>();
        losses.stream().filter(l -> names.contains(l.item().key())).forEach(l -> acceptedObjects.add(l.item().name()));
        return losses.stream().filter(l -> !names.contains(l.item().key()) && !acceptedObjects.contains(owner(l.item())))
                .toList();
    }

    /** The object a grant, trigger or policy belongs to; null for everything else. */
    private static String owner(Item item) {
        return switch (item.kind()) {
            case "grant" -> {
                String name = item.name().substring(item.name().indexOf(' ', 3) + 1);
                yield name.substring(0, name.lastIndexOf(" to "));
            }
            case "trigger", "policy" -> item.name().substring(0, item.name().lastIndexOf('.'));
            default -> null;
        };
    }
}
