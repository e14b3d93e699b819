package io.catalogmigration.replicator;

import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.contract.ReplicationReset;
import io.catalogmigration.common.contract.ResetReplication;
import io.catalogmigration.common.pg.MigrationMarker;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.ReplicationNames;
import io.catalogmigration.common.pg.SqlIdentifier;
import io.catalogmigration.common.pg.Subscriptions;
import io.catalogmigration.common.pg.TargetGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The runbook's reset: drop the subscription (and its slots on the source), end the sessions on the target
 * database, make the admin its owner and drop it. On the source the publication, the replica identities and the
 * grants the replicator made go too; its data and settings stay as they are. On the target the roles the replicator
 * created for this migration go once nothing depends on them.
 */
record ReplicationResetter(PgConnector connector, ReplicationStore store) {

    private static final Logger log = LoggerFactory.getLogger(ReplicationResetter.class);

    ReplicationReset reset(ResetReplication command) throws SQLException {
        String database = command.source().database();
        var names = ReplicationNames.of(database);
        TargetGuard.requireNotSource(connector, command.source(), command.target(), List.of(database),
                "drop database " + database);
        List<String> notes = new ArrayList<>();
        boolean subscriptionDropped = false;
        String subscriptionOid = null;
        boolean databaseThere;
        try (Connection admin = connector.connect(command.target())) {
            databaseThere = Sql.exists(admin, "select 1 from pg_database where datname = ?", database);
        }
        if (databaseThere) {
            try (Connection target = connector.connect(command.target().withDatabase(database))) {
                subscriptionOid = Subscriptions.dropOnTarget(target, names.subscription());
                if (subscriptionOid != null) {
                    subscriptionDropped = true;
                    log.info("Subscription {} dropped on the target", names.subscription());
                }
            }
        }
        boolean slotDropped;
        boolean publicationDropped;
        try (Connection source = connector.connect(command.source())) {
            slotDropped = Subscriptions.dropSlots(source, names.slot(), subscriptionOid);
            publicationDropped = Sql.exists(source, "select 1 from pg_publication where pubname = ?", names.publication());
            if (publicationDropped) {
                Sql.execute(source, "DROP PUBLICATION " + SqlIdentifier.quote(names.publication()));
            }
            revokeGrants(source, command.migrationId(), database, notes);
            for (String table : store.identityFull(command.migrationId(), database)) {
                int dot = table.indexOf('.');
                String qualified = SqlIdentifier.quote(table.substring(0, dot)) + "." + SqlIdentifier.quote(table.substring(dot + 1));
                if (Sql.one(source, "select to_regclass(?)::text", qualified) != null) {
                    Sql.execute(source, "ALTER TABLE " + qualified + " REPLICA IDENTITY DEFAULT");
                    notes.add("replica identity of " + table + " set back to DEFAULT on the source");
                }
            }
        }
        if (databaseThere) {
            try (Connection admin = connector.connect(command.target())) {
                Sql.strings(admin, "select pg_terminate_backend(pid)::text from pg_stat_activity where datname = ? "
                        + "and pid <> pg_backend_pid()", database);
                String quoted = SqlIdentifier.quote(database);
                Sql.execute(admin, "ALTER DATABASE " + quoted + " OWNER TO CURRENT_USER");
                Sql.execute(admin, "DROP DATABASE " + quoted + " WITH (FORCE)");
                log.info("Database {} dropped on the target", database);
            }
        } else {
            notes.add("the target had no database " + database);
        }
        List<String> rolesDropped = new ArrayList<>();
        List<String> rolesKept = new ArrayList<>();
        try (Connection admin = connector.connect(command.target())) {
            dropRoles(admin, command.migrationId(), rolesDropped, rolesKept);
        }
        store.forget(command.migrationId(), database);
        return new ReplicationReset(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(), database,
                subscriptionDropped, slotDropped, publicationDropped, databaseThere, rolesDropped, rolesKept, notes);
    }

    /** Takes back on the source what START granted (recorded before each GRANT); the source's own privileges stay. */
    private void revokeGrants(Connection source, String migrationId, String database, List<String> notes) throws SQLException {
        List<String> revoked = new ArrayList<>();
        for (var grant : store.grants(migrationId, database)) {
            boolean there = grant.kind().equals("SCHEMA")
                    ? Sql.exists(source, "select 1 from pg_namespace where nspname = ?", grant.schema())
                    : Sql.one(source, "select to_regclass(?)::text", SqlIdentifier.quote(grant.schema()) + "."
                    + SqlIdentifier.quote(grant.object())) != null;
            if (there && Sql.exists(source, "select 1 from pg_roles where rolname = ?", grant.grantee())) {
                Sql.execute(source, "REVOKE " + grant.privilege() + " ON " + grant.on() + " FROM "
                        + SqlIdentifier.quote(grant.grantee()));
                revoked.add(grant.label());
            }
        }
        store.forgetGrants(migrationId, database);
        if (!revoked.isEmpty()) {
            notes.add("revoked on the source what StartReplication granted: " + String.join(", ", revoked));
            log.info("{} privileges StartReplication granted revoked on the source", revoked.size());
        }
    }

    /**
     * Drops the roles the replicator created for this migration that still carry its mark and that nothing on the
     * target depends on any more (no object owned, no privilege held, in any database): a non-superuser administrator
     * cannot DROP OWNED in general, so a role that owns something is kept and said why. Roles are the whole cluster's:
     * the reset of the last database that uses them drops them.
     */
    private void dropRoles(Connection admin, String migrationId, List<String> dropped, List<String> kept) throws SQLException {
        for (String role : store.createdRoles(migrationId)) {
            var comment = MigrationMarker.roleComment(admin, role);
            if (comment.isEmpty()) {
                store.forgetRole(migrationId, role);
                continue;
            }
            if (!MigrationMarker.marks(comment.get(), migrationId)) {
                kept.add(role + ": its comment no longer marks it as this migration's ('" + comment.get() + "'), so it is "
                        + "someone else's now");
                store.forgetRole(migrationId, role);
                continue;
            }
            List<String> where = Sql.strings(admin, """
                    select distinct coalesce('database ' || d.datname, 'the cluster (a database or tablespace it owns)')
                    from pg_shdepend s left join pg_database d on d.oid = s.dbid
                    where s.refclassid = 'pg_authid'::regclass and s.deptype <> 'p'
                      and s.refobjid = (select oid from pg_roles where rolname = ?)
                    order by 1""", role);
            if (!where.isEmpty()) {
                kept.add(role + ": still owns or is granted objects in " + String.join(", ", where)
                        + "; the reset of that database drops it");
                continue;
            }
            try {
                Sql.execute(admin, "DROP ROLE " + SqlIdentifier.quote(role));
                dropped.add(role);
                store.forgetRole(migrationId, role);
                log.info("Role {}, created by StartReplication for migration {}, dropped on the target", role, migrationId);
            } catch (SQLException e) {
                kept.add(role + ": " + PgErrors.describe(e));
            }
        }
    }
}
