package io.catalogmigration.replicator;

import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.pg.ReplicationNames;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ReplicationStarted;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.ReplicationLogin;
import io.catalogmigration.common.pg.SqlIdentifier;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.secret.SecretResolver;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * START for one database. Every object is looked for before it is created, so sending the command again after a
 * failure continues where the first one stopped: roles, database, schema before the data (with primary keys, so
 * updates and deletes can be applied), publication, slot, subscription. Other indexes and constraints wait in the
 * ledger until every table is ready.
 */
class ReplicationStarter {

    private static final Logger log = LoggerFactory.getLogger(ReplicationStarter.class);

    private final ReplicatorProperties settings;
    private final PgConnector connector;
    private final PgClients clients;
    private final SecretResolver secrets;
    private final ReplicationStore store;
    private final ProgressReporter progress;

    ReplicationStarter(ReplicatorProperties settings, PgConnector connector, PgClients clients, SecretResolver secrets,
                       ReplicationStore store, ProgressReporter progress) {
        this.progress = progress;
        this.settings = settings;
        this.connector = connector;
        this.clients = clients;
        this.secrets = secrets;
        this.store = store;
    }

    ReplicationStarted start(StartReplication command) throws SQLException {
        if (command.replication() == null || !command.replication().problems().stream().allMatch(p -> p.contains("database"))) {
            throw new ReplicationProblem("replication endpoint is missing or incomplete"
                    + (command.replication() == null ? "" : ": " + command.replication().problems()),
                    "give replication: the host and port the target reaches the source at, the replication user, sslmode "
                            + "and passwordRef; send the command again with a new commandId");
        }
        String database = command.source().database();
        var names = ReplicationNames.of(database);
        store.remember(command.migrationId(), database, names, command.commandId());
        List<String> notes = new ArrayList<>();
        List<SourceTables.Table> tables;
        List<String> owners;
        try (Connection source = connector.connect(command.source())) {
            String walLevel = Sql.one(source, "select setting from pg_settings where name = 'wal_level'");
            if (!"logical".equals(walLevel)) {
                throw new ReplicationProblem("the source's wal_level is " + walLevel + ", not logical",
                        "send PrepareSource, restart the source server as it says, then send StartReplication again");
            }
            tables = new ArrayList<>(SourceTables.list(source));
            handleKeylessTables(source, command, tables, notes);
            tables.stream().filter(t -> !t.logged()).forEach(t -> notes.add("unlogged table " + t.label()
                    + " cannot be replicated: it is created empty on the target"));
            tables.removeIf(t -> !t.logged());
            owners = SourceTables.roles(source);
            Set<String> denied = settings.denied();
            Sql.strings(source, "select extname from pg_extension order by 1").stream().filter(denied::contains)
                    .forEach(e -> notes.add("extension " + e + " is not available on the target: left out of the schema "
                            + "(replicator.denied-extensions); objects that depend on it are left out too"));
        }
        var pre = DumpEntries.parse(clients.dumpSchemaSection(command.source(), "pre-data"));
        var post = DumpEntries.parse(clients.dumpSchemaSection(command.source(), "post-data"));
        List<String> rolesCreated = ensureRoles(command, owners, notes);
        ensureDatabase(command, database);
        PgEndpoint target = command.target().withDatabase(database);
        boolean subscribed;
        try (Connection connection = connector.connect(target)) {
            subscribed = subscriptionExists(connection, names);
        }
        // The snapshot copy loads bare tables and builds the primary keys afterwards, before the subscription
        // applies its first change; table synchronisation needs them before it starts.
        boolean snapshot = settings.snapshotCopy() && !subscribed;
        applySchema(command, target, tables, pre, post, notes, !snapshot);
        var deferred = post.entries().stream().filter(e -> !e.primaryKey()).toList();
        store.recordSteps(command.migrationId(), database, deferred);
        try (Connection source = connector.connect(command.source())) {
            grantReads(source, command.replication().user(), tables);
            ensurePublication(source, names.publication(), tables);
            if (!snapshot && !Sql.exists(source, "select 1 from pg_replication_slots where slot_name = ?", names.slot())) {
                Sql.one(source, "select lsn::text from pg_create_logical_replication_slot(?, 'pgoutput')", names.slot());
                log.info("Replication slot {} created on the source", names.slot());
            }
        }
        if (snapshot) {
            long bytes = new SnapshotCopier(settings, connector, secrets, progress)
                    .copy(command.migrationId(), command.commandId(), command.source(), target, names.slot(), tables);
            createKeys(target, post, settings.copyWorkers());
            notes.add("initial copy: %d tables (%,d MB) copied under the slot's exported snapshot on %d connections; "
                    .formatted(tables.size(), bytes >> 20, settings.copyWorkers()) + "subscription with copy_data = false");
        }
        ensureSubscription(target, command.replication().withDatabase(database), names, !settings.snapshotCopy());
        return new ReplicationStarted(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(), database,
                names.publication(), names.slot(), names.subscription(), tables.size(), rolesCreated, notes, deferred.size());
    }

    private void handleKeylessTables(Connection source, StartReplication command, List<SourceTables.Table> tables,
                                     List<String> notes) throws SQLException {
        var keyless = tables.stream().filter(t -> t.logged() && t.needsIdentity()).toList();
        if (keyless.isEmpty()) {
            var earlier = store.identityFull(command.migrationId(), command.source().database());
            if (!earlier.isEmpty()) {
                notes.add("REPLICA IDENTITY FULL was set on the source for tables without a primary key: " + earlier
                        + " (ResetReplication sets them back)");
            }
            return;
        }
        var labels = keyless.stream().map(SourceTables.Table::label).toList();
        if (!settings.setIdentityFull()) {
            throw new ReplicationProblem("tables without a primary key or replica identity: " + labels
                    + "; their updates and deletes could not be replicated",
                    "add a primary key, or ALTER TABLE ... REPLICA IDENTITY FULL (or set replicator.tables-without-key=FULL), "
                            + "then send StartReplication again");
        }
        for (var table : keyless) {
            Sql.execute(source, "ALTER TABLE " + table.qualified() + " REPLICA IDENTITY FULL");
        }
        store.identityFull(command.migrationId(), command.source().database(), labels);
        notes.add("REPLICA IDENTITY FULL set on the source for tables without a primary key: " + labels
                + " (ResetReplication sets them back)");
    }

    private List<String> ensureRoles(StartReplication command, List<String> owners, List<String> notes) throws SQLException {
        List<String> created = new ArrayList<>();
        try (Connection target = connector.connect(command.target())) {
            // Roles belong to the whole cluster and databases start in parallel (rosemeta and lineage share owners):
            // one START at a time looks for and creates them, or both would try to create the same role.
            Sql.one(target, "select pg_advisory_lock(hashtext('catalog-migration.roles'))::text");
            try {
                created.addAll(createMissing(target, command, owners, notes));
                TargetAdministrator.actAs(target, owners);
            } finally {
                Sql.one(target, "select pg_advisory_unlock(hashtext('catalog-migration.roles'))::text");
            }
        }
        return created;
    }

    private List<String> createMissing(Connection target, StartReplication command, List<String> owners, List<String> notes)
            throws SQLException {
        List<String> created = new ArrayList<>();
        for (String role : owners) {
            if (Sql.exists(target, "select 1 from pg_roles where rolname = ?", role)) {
                continue;
            }
            String ref = command.rolePasswordRefs().get(role);
            Sql.execute(target, "CREATE ROLE " + SqlIdentifier.quote(role) + (ref == null ? " NOLOGIN" : " LOGIN"));
            if (ref != null) {
                // The SCRAM verifier is computed here: the password itself never reaches the server or its log.
                target.unwrap(PGConnection.class).alterUserPassword(role, secrets.resolve(ref).toCharArray(), "scram-sha-256");
            } else {
                notes.add("role " + role + " created NOLOGIN: no password reference was given for it");
            }
            created.add(role);
            log.info("Role {} created on the target", role);
        }
        return created;
    }

    private void ensureDatabase(StartReplication command, String database) throws SQLException {
        String owner;
        String encoding;
        try (Connection source = connector.connect(command.source())) {
            owner = Sql.one(source, "select pg_get_userbyid(datdba) from pg_database where datname = current_database()");
            encoding = Sql.one(source, "select pg_encoding_to_char(encoding) from pg_database where datname = current_database()");
        }
        try (Connection target = connector.connect(command.target())) {
            if (Sql.exists(target, "select 1 from pg_database where datname = ?", database)) {
                return;
            }
            boolean ownerThere = Sql.exists(target, "select 1 from pg_roles where rolname = ?", owner);
            Sql.execute(target, "CREATE DATABASE " + SqlIdentifier.quote(database) + " TEMPLATE template0 ENCODING "
                    + Sql.literal(encoding) + (ownerThere ? " OWNER " + SqlIdentifier.quote(owner) : ""));
            log.info("Database {} created on the target", database);
        }
    }

    private void applySchema(StartReplication command, PgEndpoint target, List<SourceTables.Table> tables,
                             DumpEntries pre, DumpEntries post, List<String> notes, boolean keys) throws SQLException {
        try (Connection connection = connector.connect(target)) {
            int present = 0;
            for (var table : tables) {
                if (Sql.one(connection, "select to_regclass(?)::text", table.qualified()) != null) {
                    present++;
                }
            }
            if (present == 0) {
                var kept = keptEntries(pre, notes);
                clients.runScript(target, DumpEntries.script(pre.preamble(), kept), "schema (pre-data) of " + target.describe());
            } else if (present < tables.size()) {
                throw new ReplicationProblem("the target database " + target.database() + " has " + present + " of the "
                        + tables.size() + " tables: it was not made by this replicator's schema step",
                        "send ResetReplication for this database, then StartReplication again");
            }
        }
        if (keys) {
            createKeys(target, post, 1);
        }
    }

    /**
     * The primary keys, on {@code workers} connections; one that fails there (a lock conflict between a partition
     * and its parent, say) is tried once more alone, in pg_dump's order, after the others.
     */
    private void createKeys(PgEndpoint target, DumpEntries post, int workers) throws SQLException {
        var keys = post.entries().stream().filter(DumpEntries.Entry::primaryKey).toList();
        if (keys.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        var queue = new ConcurrentLinkedQueue<>(keys);
        var retry = new ConcurrentLinkedQueue<DumpEntries.Entry>();
        int threads = Math.max(1, Math.min(workers, keys.size()));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                running.add(pool.submit(() -> {
                    try (Connection connection = keyConnection(target, post)) {
                        for (var key = queue.poll(); key != null; key = queue.poll()) {
                            try {
                                Sql.execute(connection, key.sql());
                            } catch (SQLException e) {
                                if (!SqlErrors.alreadyExists(e)) {
                                    retry.add(key);
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            for (var worker : running) {
                worker.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplicationProblem("building the primary keys was interrupted", "send StartReplication again");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new ReplicationProblem("cannot connect to " + target.describe() + " to build the primary keys: "
                    + (cause instanceof SQLException sql ? SqlErrors.message(sql) : String.valueOf(cause)),
                    "check that the target is reachable, then send StartReplication again");
        } finally {
            pool.shutdownNow();
        }
        if (!retry.isEmpty()) {
            try (Connection connection = keyConnection(target, post)) {
                for (var key : keys.stream().filter(retry::contains).toList()) {
                    try {
                        Sql.execute(connection, key.sql());
                    } catch (SQLException e) {
                        if (!SqlErrors.alreadyExists(e)) {
                            throw new ReplicationProblem("primary key " + key.name() + " cannot be created on the target: "
                                    + SqlErrors.message(e), "fix the cause, then send StartReplication again");
                        }
                    }
                }
            }
        }
        log.info("{} primary keys on {} took {} ms", keys.size(), target.describe(), (System.nanoTime() - started) / 1_000_000);
    }

    private Connection keyConnection(PgEndpoint target, DumpEntries post) throws SQLException {
        Connection connection = connector.connect(target);
        for (String setting : post.sessionSettings()) {
            Sql.execute(connection, setting);
        }
        Sql.execute(connection, "SET maintenance_work_mem = '256MB'");
        return connection;
    }

    /** Pre-data entries without the denied extensions and what depends on them (comments, servers, foreign tables). */
    private List<DumpEntries.Entry> keptEntries(DumpEntries pre, List<String> notes) {
        Set<String> denied = settings.denied();
        Set<String> servers = new HashSet<>();
        List<DumpEntries.Entry> kept = new ArrayList<>();
        for (var e : pre.entries()) {
            boolean drop = (e.type().equals("EXTENSION") && denied.contains(e.name()))
                    || (e.type().equals("COMMENT") && denied.stream().anyMatch(d -> e.name().equals("EXTENSION " + d)));
            if (e.type().equals("SERVER") && denied.stream().anyMatch(d -> e.sql().contains("FOREIGN DATA WRAPPER " + d))) {
                servers.add(e.name());
                drop = true;
            }
            if (!servers.isEmpty() && servers.stream().anyMatch(s -> e.sql().contains("SERVER " + s))) {
                drop = true;
            }
            if (drop) {
                if (!e.type().equals("COMMENT")) {
                    notes.add("left out of the target schema: " + e.type() + " " + e.name());
                }
            } else {
                kept.add(e);
            }
        }
        return kept;
    }

    private void grantReads(Connection source, String user, List<SourceTables.Table> tables) throws SQLException {
        if (!Sql.exists(source, "select 1 from pg_roles where rolname = ? and not rolsuper", user)) {
            return;
        }
        String role = SqlIdentifier.quote(user);
        for (String schema : tables.stream().map(SourceTables.Table::schema).distinct().toList()) {
            Sql.execute(source, "GRANT USAGE ON SCHEMA " + SqlIdentifier.quote(schema) + " TO " + role);
        }
        for (var table : tables) {
            Sql.execute(source, "GRANT SELECT ON TABLE " + table.qualified() + " TO " + role);
        }
    }

    private void ensurePublication(Connection source, String publication, List<SourceTables.Table> tables) throws SQLException {
        String pub = SqlIdentifier.quote(publication);
        if (!Sql.exists(source, "select 1 from pg_publication where pubname = ?", publication)) {
            String list = String.join(", ", tables.stream().map(SourceTables.Table::qualified).toList());
            Sql.execute(source, "CREATE PUBLICATION " + pub + (tables.isEmpty() ? "" : " FOR TABLE " + list));
            log.info("Publication {} created on the source for {} tables", publication, tables.size());
            return;
        }
        Set<String> published = new HashSet<>(Sql.strings(source,
                "select schemaname || '.' || tablename from pg_publication_tables where pubname = ?", publication));
        for (var table : tables) {
            if (!published.contains(table.label())) {
                Sql.execute(source, "ALTER PUBLICATION " + pub + " ADD TABLE " + table.qualified());
            }
        }
    }

    private static boolean subscriptionExists(Connection connection, ReplicationNames names) throws SQLException {
        return Sql.exists(connection, """
                select 1 from pg_subscription where subname = ?
                and subdbid = (select oid from pg_database where datname = current_database())""", names.subscription());
    }

    private void ensureSubscription(PgEndpoint target, PgEndpoint publisher, ReplicationNames names, boolean copyData)
            throws SQLException {
        try (Connection connection = connector.connect(target)) {
            if (subscriptionExists(connection, names)) {
                return;
            }
            ReplicationLogin.quietLogging(connection);
            String conninfo = ReplicationLogin.conninfo(publisher, secrets.resolve(publisher.passwordRef()),
                    names.subscription());
            try {
                Sql.execute(connection, "CREATE SUBSCRIPTION " + SqlIdentifier.quote(names.subscription()) + " CONNECTION "
                        + Sql.literal(conninfo) + " PUBLICATION " + SqlIdentifier.quote(names.publication())
                        + " WITH (create_slot = false, slot_name = " + Sql.literal(names.slot())
                        + ", copy_data = " + copyData + ", enabled = true)");
            } catch (SQLException e) {
                if (SqlErrors.notPermitted(e)) {
                    // 16+ lets a non-superuser subscribe through pg_create_subscription plus CREATE on the database
                    throw new ReplicationProblem("the target administrator " + target.user() + " may not create the "
                            + "subscription " + names.subscription() + ": " + SqlErrors.message(e),
                            "on the target, as the master user, GRANT pg_create_subscription TO " + target.user()
                                    + " (16+; before 16 only a superuser, or on RDS a member of rds_superuser, may "
                                    + "subscribe), then send StartReplication again; finished steps are kept");
                }
                throw new ReplicationProblem("the subscription " + names.subscription() + " cannot be created on "
                        + target.describe() + ": " + SqlErrors.message(e),
                        "check that the target reaches the source at " + publisher.host() + ":" + publisher.port()
                                + " as " + publisher.user() + " (pg_hba.conf scram-sha-256 line, password, REPLICATION "
                                + "attribute: send PrepareSource), then send StartReplication again; finished steps are kept");
            }
            log.info("Subscription {} created on {} (slot {}, copy_data = {})", names.subscription(), target.describe(), names.slot(),
                    copyData);
        }
    }
}
