package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.FallbackReplication;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.StartCutover;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.ReplicationLogin;
import io.catalogmigration.common.pg.ReplicationNames;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.pg.SqlIdentifier;
import io.catalogmigration.common.pg.Subscriptions;
import io.catalogmigration.common.run.MigrationProblem;
import io.catalogmigration.common.secret.SecretResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Replication from the target back to the source, so that going back after the switch loses none of the writes the
 * application made on the target. Set up inside the window, once the target holds everything and before the
 * application is switched: the forward subscription is disabled first, so nothing applied on the target can travel
 * back (a loop); the target publishes the tables the source published, and the source subscribes with
 * {@code copy_data = false} (the two are equal at that moment), through a slot the subscription creates on the target.
 * On a 16+ source the subscription also takes {@code origin = none}.
 */
record Fallback(PgConnector connector, SecretResolver secrets, CutoverStore store, FallbackLogin login) {

    private static final Logger log = LoggerFactory.getLogger(Fallback.class);

    /** What was made ready before the window: the login and whether the cutover created it, notes for the outcome. */
    record Prepared(String login, boolean loginCreated, List<String> notes) {
    }

    /**
     * Before the window, while the application still writes: the login, and per database the target's publication
     * (with a full replica identity for tables without a key). Neither changes what the application sees, and a
     * publication sends nothing until a slot exists; a later attempt finds and uses both. So only the slots and
     * subscriptions are left for the window, and a login or a publication that cannot be made stops the cutover before
     * writes stop.
     */
    Prepared prepare(StartCutover command) throws SQLException {
        List<String> notes = new ArrayList<>();
        PgEndpoint publisher = command.fallbackLogin();
        boolean created = login.ensure(command.target(), publisher, notes);
        if (created) {
            notes.add("login " + publisher.user() + " was created on the target to replicate back; FinishCutover drops it");
        }
        for (String database : command.databases()) {
            List<String> tables;
            try (Connection source = connector.connect(command.source().withDatabase(database))) {
                tables = Sql.strings(source, "select quote_ident(schemaname) || '.' || quote_ident(tablename) "
                        + "from pg_publication_tables where pubname = ? order by 1", ReplicationNames.of(database).publication());
            }
            try (Connection target = writable(command.target().withDatabase(database))) {
                publish(target, ReplicationNames.fallback(database), tables, database, notes);
            }
        }
        return new Prepared(publisher.user(), created, notes);
    }

    /** Recorded as the window begins, so that an abort or a restart takes the fallback down, the login too if created. */
    void record(String migrationId, Prepared prepared) {
        store.fallbackStarting(migrationId, prepared.login());
        if (prepared.loginCreated()) {
            store.fallbackLoginCreated(migrationId);
        }
    }

    /**
     * In the window, once the target holds everything: the replicator's subscriptions are disabled (nothing applied
     * on the target can travel back), then the source subscribes to each database's publication, creating its slot.
     *
     * @param limit what is left of the window: no statement here runs longer (CREATE SUBSCRIPTION waits for its
     *              connection to the target and for the slot's consistent point)
     */
    void subscribe(StartCutover command, Duration limit) throws SQLException {
        PgEndpoint publisher = command.fallbackLogin();
        setForward(command.target(), command.databases(), false);
        for (String database : command.databases()) {
            var names = ReplicationNames.fallback(database);
            try (Connection source = writable(command.source().withDatabase(database))) {
                timeout(source, limit);
                subscribe(source, command.source().withDatabase(database), command.target().withDatabase(database),
                        publisher.withDatabase(database), names);
            }
            log.info("Fallback replication of {} set up: subscription {} on the source", database, names.subscription());
        }
    }

    /**
     * Enables (after an abort before the switch) or disables (before the fallback is set up) the replicator's
     * subscriptions on the target, those that still exist.
     */
    void setForward(PgEndpoint target, List<String> databases, boolean enabled) throws SQLException {
        for (String database : databases) {
            String subscription = ReplicationNames.of(database).subscription();
            try (Connection connection = connector.connect(target.withDatabase(database))) {
                if (Sql.exists(connection, "select 1 from pg_subscription where subname = ? and subenabled <> ? and subdbid = "
                        + "(select oid from pg_database where datname = current_database())", subscription, enabled)) {
                    Sql.execute(connection, "ALTER SUBSCRIPTION " + SqlIdentifier.quote(subscription) + (enabled ? " ENABLE" : " DISABLE"));
                }
            }
        }
    }

    /**
     * Drops the subscriptions on the source first (nothing is applied after), then the slots and publications on the
     * target, and the login if the cutover created it.
     *
     * @return what was dropped
     */
    List<String> drop(String migrationId, PgEndpoint source, PgEndpoint target, List<String> databases) throws SQLException {
        List<String> dropped = new ArrayList<>();
        for (String database : databases) {
            var names = ReplicationNames.fallback(database);
            String oid = null;
            try (Connection connection = connector.connect(source.withDatabase("postgres"))) {
                if (Sql.exists(connection, "select 1 from pg_database where datname = ?", database)) {
                    try (Connection s = writable(source.withDatabase(database))) {
                        oid = Subscriptions.dropOnTarget(s, names.subscription());
                    }
                }
            }
            if (oid != null) {
                dropped.add("subscription " + names.subscription() + " on the source");
            }
            try (Connection t = writable(target)) {
                if (Subscriptions.dropSlots(t, names.slot(), oid)) {
                    dropped.add("slot " + names.slot() + " on the target");
                }
                if (Sql.exists(t, "select 1 from pg_database where datname = ?", database)) {
                    try (Connection d = writable(target.withDatabase(database))) {
                        if (Sql.exists(d, "select 1 from pg_publication where pubname = ?", names.publication())) {
                            Sql.execute(d, "DROP PUBLICATION " + SqlIdentifier.quote(names.publication()));
                            dropped.add("publication " + names.publication() + " on the target");
                        }
                    }
                }
            }
        }
        var state = store.find(migrationId);
        if (state.isPresent() && state.get().fallbackCreated() && state.get().fallbackUser() != null) {
            login.dropCreated(target, state.get().fallbackUser());
            dropped.add("login " + state.get().fallbackUser() + " on the target");
        }
        store.fallbackDropped(migrationId);
        log.info("Fallback replication of migration {} dropped: {}", migrationId, dropped);
        return dropped;
    }

    /**
     * Waits until the source has applied everything the target wrote before now (the fallback slots' confirmed
     * position reaching the target's WAL position).
     *
     * @return that position
     */
    String awaitApplied(PgEndpoint target, List<String> databases, Duration timeout) throws SQLException, MigrationProblem {
        String[] slots = databases.stream().map(d -> ReplicationNames.fallback(d).slot()).toArray(String[]::new);
        try (Connection admin = connector.connect(target)) {
            return CatchUp.awaitConfirmed(admin, slots, timeout);
        } catch (CatchUp.Behind behind) {
            throw MigrationProblem.inPhase("WAIT_FOR_SOURCE", (behind.missing ? "the target has no fallback slot for "
                    : "the source did not apply the target's last writes (WAL " + behind.lsn + ") within "
                    + timeout.toSeconds() + " s: ") + behind.slots, "the application stays on the target, which was "
                    + "released again; CheckFallback shows the replication back (the source's log says why it stopped); "
                    + "fix it and send RollBackCutover again");
        }
    }

    /**
     * The status once every database streams, or when the wait runs out: the source's launcher starts one apply
     * worker at a time, every wal_retrieve_retry_interval (5 s by default).
     */
    List<FallbackReplication> awaitStreaming(PgEndpoint source, PgEndpoint target, List<String> databases, Duration timeout)
            throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var status = status(source, target, databases);
            if (status.stream().allMatch(FallbackReplication::streaming) || System.nanoTime() > deadline) {
                return status;
            }
            Thread.sleep(200);
        }
    }

    /** Per database: whether the source streams from the target, and how far behind it is. */
    List<FallbackReplication> status(PgEndpoint source, PgEndpoint target, List<String> databases) throws SQLException {
        List<FallbackReplication> status = new ArrayList<>();
        for (String database : databases) {
            var names = ReplicationNames.fallback(database);
            String lag;
            String active;
            try (Connection t = connector.connect(target)) {
                lag = Sql.one(t, "select pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint::text "
                        + "from pg_replication_slots where slot_name = ?", names.slot());
                active = Sql.one(t, "select active::text from pg_replication_slots where slot_name = ?", names.slot());
            }
            String enabled = null;
            boolean worker = false;
            try (Connection s = connector.connect(source.withDatabase("postgres"))) {
                if (Sql.exists(s, "select 1 from pg_database where datname = ?", database)) {
                    try (Connection d = connector.connect(source.withDatabase(database))) {
                        enabled = Sql.one(d, "select subenabled::text from pg_subscription where subname = ? and subdbid = "
                                + "(select oid from pg_database where datname = current_database())", names.subscription());
                        worker = Subscriptions.applyWorkerRunning(d, names.subscription());
                    }
                }
            }
            boolean streaming = "true".equals(active) && "true".equals(enabled) && worker;
            String detail = lag == null ? "the target has no slot " + names.slot()
                    : enabled == null ? "the source has no subscription " + names.subscription()
                    : !"true".equals(enabled) ? "the source's subscription " + names.subscription() + " is disabled"
                    : !worker ? "the source's subscription has no running apply worker (yet: the launcher starts one every "
                    + "wal_retrieve_retry_interval; else see the source's log)"
                    : !"true".equals(active) ? "the target's slot is not in use yet"
                    : "the source applies the target's writes";
            status.add(new FallbackReplication(database, names.publication(), names.slot(), names.subscription(), streaming,
                    lag == null ? null : Long.valueOf(lag), detail));
        }
        return status;
    }

    private void publish(Connection target, ReplicationNames names, List<String> tables, String database, List<String> notes)
            throws SQLException {
        if (Sql.exists(target, "select 1 from pg_publication where pubname = ?", names.publication())) {
            return;
        }
        // A table without a key or replica identity that publishes updates refuses them: give it a full identity.
        var keyless = Sql.strings(target, """
                select t.name from unnest(?::text[]) t(name) join pg_class c on c.oid = to_regclass(t.name)
                where c.relreplident = 'n' or (c.relreplident = 'd'
                      and not exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisprimary))""",
                (Object) tables.toArray(String[]::new));
        for (String table : keyless) {
            Sql.execute(target, "ALTER TABLE " + table + " REPLICA IDENTITY FULL");
        }
        if (!keyless.isEmpty()) {
            notes.add(database + ": REPLICA IDENTITY FULL set on the target for tables without a key, so their updates "
                    + "replicate back: " + keyless);
        }
        Sql.execute(target, "CREATE PUBLICATION " + SqlIdentifier.quote(names.publication())
                + (tables.isEmpty() ? "" : " FOR TABLE " + String.join(", ", tables)));
    }

    private void subscribe(Connection source, PgEndpoint sourceEndpoint, PgEndpoint targetAdmin, PgEndpoint publisher,
                           ReplicationNames names)
            throws SQLException {
        if (Sql.exists(source, "select 1 from pg_subscription where subname = ? and subdbid = "
                + "(select oid from pg_database where datname = current_database())", names.subscription())) {
            return;
        }
        // A slot left by an attempt that stopped before its subscription was recorded: nothing was written since.
        try (Connection target = writable(targetAdmin)) {
            Subscriptions.dropSlots(target, names.slot(), null);
        }
        boolean sixteen = source.getMetaData().getDatabaseMajorVersion() >= 16;
        ReplicationLogin.quietLogging(source);
        String conninfo = ReplicationLogin.conninfo(publisher, secrets, sourceEndpoint, source, names.subscription());
        Sql.execute(source, "CREATE SUBSCRIPTION " + SqlIdentifier.quote(names.subscription()) + " CONNECTION "
                + Sql.literal(conninfo) + " PUBLICATION " + SqlIdentifier.quote(names.publication())
                + " WITH (create_slot = true, slot_name = " + Sql.literal(names.slot()) + ", copy_data = false, enabled = true"
                + (sixteen ? ", origin = none" : "") + ")");
    }

    private static void timeout(Connection connection, Duration limit) throws SQLException {
        Sql.execute(connection, "SET statement_timeout = " + Math.max(1, limit.toMillis()));
    }

    /** A session of ours on a server that may be fenced (read-only by default). */
    private Connection writable(PgEndpoint endpoint) throws SQLException {
        Connection connection = connector.connect(endpoint);
        try {
            Sql.execute(connection, "SET default_transaction_read_only = off");
            return connection;
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }
}
