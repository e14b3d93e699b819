package io.catalogmigration.replicator;

import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.contract.ReplicationReset;
import io.catalogmigration.common.contract.ResetReplication;
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
 * database, make the admin its owner and drop it. On the source the publication and the replica identities the
 * replicator set go too; its data and settings stay as they are.
 */
class ReplicationResetter {

    private static final Logger log = LoggerFactory.getLogger(ReplicationResetter.class);

    private final PgConnector connector;
    private final ReplicationStore store;

    ReplicationResetter(PgConnector connector, ReplicationStore store) {
        this.connector = connector;
        this.store = store;
    }

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
        store.forget(command.migrationId(), database);
        return new ReplicationReset(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(), database,
                subscriptionDropped, slotDropped, publicationDropped, databaseThere, notes);
    }
}
