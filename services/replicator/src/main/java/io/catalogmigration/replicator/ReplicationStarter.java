package io.catalogmigration.replicator;

import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.pg.ReplicationNames;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ReplicationStarted;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.pg.MigrationMarker;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.ReplicationLogin;
import io.catalogmigration.common.pg.SqlIdentifier;
import io.catalogmigration.common.pg.TargetGuard;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.run.MigrationProblem;
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
 * START for one database. First everything that can be checked is ({@link StartChecks}): a start that fails there
 * changes nothing. Then every object is looked for before it is created, so sending the command again after a later
 * failure continues where the first one stopped: on the target roles (marked as the migration's), database, schema
 * before the data (with primary keys, so updates and deletes can be applied); then on the source replica identities,
 * grants (recorded for RESET), publication, slot; last the subscription. Other indexes and constraints wait in the
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
    private final StartChecks checks;
    private final UnreplicatedObjects unreplicated;

    private final SnapshotCopier copier;

    ReplicationStarter(ReplicatorProperties settings, PgConnector connector, PgClients clients, SecretResolver secrets,
                       ReplicationStore store, ProgressReporter progress, UnreplicatedObjects unreplicated,
                       SnapshotCopier copier) {
        this.copier = copier;
        this.unreplicated = unreplicated;
        this.progress = progress;
        this.settings = settings;
        this.connector = connector;
        this.clients = clients;
        this.secrets = secrets;
        this.store = store;
        this.checks = new StartChecks(settings, connector, clients, secrets);
    }

    ReplicationStarted start(StartReplication command) throws SQLException {
        if (command.replication() == null || !command.replication().problems().stream().allMatch(p -> p.contains("database"))) {
            throw new MigrationProblem("replication endpoint is missing or incomplete"
                    + (command.replication() == null ? "" : ": " + command.replication().problems()),
                    "give replication: the host and port the target reaches the source at, the replication user, sslmode "
                            + "and passwordRef; send the command again with a new commandId");
        }
        String database = command.source().database();
        var names = ReplicationNames.of(database);
        // Before anything is created on the target, and again once the publication exists (below).
        TargetGuard.requireNotSource(connector, command.source(), command.target(), List.of(database),
                "replicate " + database + " into it");
        // Everything that can be looked at is, before the first change on either server (and in the ledger).
        var checked = checks.check(command, names);
        store.remember(command.migrationId(), database, names, command.commandId());
        List<String> notes = new ArrayList<>(checked.notes());
        var tables = checked.tables();
        var roleSet = checked.roleSet();
        var pre = checked.pre();
        var post = checked.post();
        List<String> rolesCreated = ensureRoles(command, roleSet, checked.owners(), notes);
        ensureDatabase(command, database, roleSet, notes);
        PgEndpoint target = command.target().withDatabase(database);
        boolean subscribed;
        try (Connection connection = connector.connect(target)) {
            subscribed = subscriptionExists(connection, names);
        }
        // The snapshot copy loads bare tables and builds the primary keys afterwards, before the subscription
        // applies its first change; table synchronisation needs them before it starts.
        boolean snapshot = settings.snapshotCopy() && !subscribed;
        applySchema(command, target, tables, pre, post, roleSet, notes, !snapshot);
        var deferred = post.entries().stream().filter(e -> !e.primaryKey()).toList();
        store.recordSteps(command.migrationId(), database, deferred);
        // The source is changed last, once the target has its schema: identities, grants, publication, slot.
        try (Connection source = connector.connect(command.source())) {
            replicaIdentity(source, command, checked.keyless(), notes);
            grantReads(source, command, tables);
            ensurePublication(source, names.publication(), tables);
            // Now the source's database holds the publication: where the system identifiers could not tell, a "target"
            // database that holds it too is the source's. Nothing is emptied or subscribed to before this.
            TargetGuard.requireNotSource(connector, command.source(), command.target(), List.of(database),
                    "empty and fill the tables of " + database);
            if (!snapshot && !Sql.exists(source, "select 1 from pg_replication_slots where slot_name = ?", names.slot())) {
                Sql.one(source, "select lsn::text from pg_create_logical_replication_slot(?, 'pgoutput')", names.slot());
                log.info("Replication slot {} created on the source", names.slot());
            }
        }
        if (snapshot) {
            long bytes = copier.copy(command, target, names.slot(), tables);
            createKeys(target, post, settings.copyWorkers());
            notes.add(("initial copy: %d tables (%,d MB) copied under the slot's exported snapshot by the work topic's "
                    + "consumers (%d pipes per instance); subscription with copy_data = false")
                    .formatted(tables.size(), bytes >> 20, settings.workers()));
        }
        notes.addAll(unreplicated.atStart(command.source(), target));
        ensureSubscription(target, command.replication().withDatabase(database), names, !settings.snapshotCopy());
        return new ReplicationStarted(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(), database,
                names.publication(), names.slot(), names.subscription(), tables.size(), rolesCreated, notes, deferred.size());
    }

    /** REPLICA IDENTITY FULL on the tables without a key (allowed by the checks), recorded so RESET sets them back. */
    private void replicaIdentity(Connection source, StartReplication command, List<SourceTables.Table> keyless,
                                 List<String> notes) throws SQLException {
        if (keyless.isEmpty()) {
            var earlier = store.identityFull(command.migrationId(), command.source().database());
            if (!earlier.isEmpty()) {
                notes.add("REPLICA IDENTITY FULL was set on the source for tables without a primary key: " + earlier
                        + " (ResetReplication sets them back)");
            }
            return;
        }
        var labels = keyless.stream().map(SourceTables.Table::label).toList();
        store.identityFull(command.migrationId(), command.source().database(), labels);
        for (var table : keyless) {
            Sql.execute(source, "ALTER TABLE " + table.qualified() + " REPLICA IDENTITY FULL");
        }
        notes.add("REPLICA IDENTITY FULL set on the source for tables without a primary key: " + labels
                + " (ResetReplication sets them back)");
    }

    private List<String> ensureRoles(StartReplication command, RoleSet roleSet, List<String> owners, List<String> notes)
            throws SQLException {
        List<String> created = new ArrayList<>();
        try (Connection target = connector.connect(command.target())) {
            // Roles belong to the whole cluster and databases start in parallel (rosemeta and lineage share owners):
            // one START at a time looks for and creates them, or both would try to create the same role.
            Sql.one(target, "select pg_advisory_lock(hashtext('catalog-migration.roles'))::text");
            try {
                created.addAll(createMissing(target, command, roleSet.roles(), notes));
                TargetAdministrator.actAs(target, owners);
                roleSet.applyToRoles(target, notes);
            } finally {
                Sql.one(target, "select pg_advisory_unlock(hashtext('catalog-migration.roles'))::text");
            }
        }
        return created;
    }

    /**
     * Creates the roles the target lacks, each marked as this migration's ({@link MigrationMarker}) and recorded in
     * the ledger first, so RESET can drop them and a START sent again adopts them: one it created earlier gets the
     * login and password its reference gives now. A role someone else made, the provisioner included, is used as is.
     */
    private List<String> createMissing(Connection target, StartReplication command, List<String> roles, List<String> notes)
            throws SQLException {
        List<String> created = new ArrayList<>();
        List<String> ours = store.createdRoles(command.migrationId());
        for (String role : roles) {
            String ref = command.rolePasswordRefs().get(role);
            var comment = MigrationMarker.roleComment(target, role);
            if (comment.isPresent()) {
                if (ref != null && ours.contains(role) && MigrationMarker.marks(comment.get(), command.migrationId())) {
                    Sql.execute(target, "ALTER ROLE " + SqlIdentifier.quote(role) + " LOGIN");
                    setPassword(target, role, secrets.resolve(ref, command.target().host()));
                    notes.add("role " + role + ", created by an earlier start of this migration, adopted: it logs in with "
                            + "the password of its reference");
                }
                continue;
            }
            String password = ref == null ? null : secrets.resolve(ref, command.target().host());
            store.roleCreated(command.migrationId(), role, command.source().database());
            target.setAutoCommit(false);
            try {
                Sql.execute(target, "CREATE ROLE " + SqlIdentifier.quote(role) + (password == null ? " NOLOGIN" : " LOGIN"));
                MigrationMarker.markRole(target, role, command.migrationId());
                if (password != null) {
                    setPassword(target, role, password);
                }
                target.commit();
            } catch (SQLException | RuntimeException e) {
                target.rollback();
                throw e;
            } finally {
                target.setAutoCommit(true);
            }
            if (password == null) {
                notes.add("role " + role + " created NOLOGIN: no password reference was given for it");
            }
            created.add(role);
            log.info("Role {} created on the target, marked as migration {}'s", role, command.migrationId());
        }
        return created;
    }

    /** The SCRAM verifier is computed here: the password itself never reaches the server or its log. */
    private static void setPassword(Connection target, String role, String password) throws SQLException {
        target.unwrap(PGConnection.class).alterUserPassword(role, password.toCharArray(), "scram-sha-256");
    }

    private void ensureDatabase(StartReplication command, String database, RoleSet roleSet, List<String> notes)
            throws SQLException {
        String owner;
        String encoding;
        try (Connection source = connector.connect(command.source())) {
            owner = Sql.one(source, "select pg_get_userbyid(datdba) from pg_database where datname = current_database()");
            encoding = Sql.one(source, "select pg_encoding_to_char(encoding) from pg_database where datname = current_database()");
        }
        try (Connection target = connector.connect(command.target())) {
            if (!Sql.exists(target, "select 1 from pg_database where datname = ?", database)) {
                boolean ownerThere = Sql.exists(target, "select 1 from pg_roles where rolname = ?", owner);
                Sql.execute(target, "CREATE DATABASE " + SqlIdentifier.quote(database) + " TEMPLATE template0 ENCODING "
                        + Sql.literal(encoding) + (ownerThere ? " OWNER " + SqlIdentifier.quote(owner) : ""));
                log.info("Database {} created on the target", database);
            }
            // also on a database the provisioner made: its settings and privileges are the source's all the same
            roleSet.applyToDatabase(target, database, notes);
        }
    }

    private void applySchema(StartReplication command, PgEndpoint target, List<SourceTables.Table> tables,
                             DumpEntries pre, DumpEntries post, RoleSet roleSet, List<String> notes, boolean keys)
            throws SQLException {
        try (Connection connection = connector.connect(target)) {
            int present = 0;
            for (var table : tables) {
                if (Sql.one(connection, "select to_regclass(?)::text", table.qualified()) != null) {
                    present++;
                }
            }
            if (present == 0) {
                var kept = keptEntries(pre, notes);
                try (Connection source = connector.connect(command.source())) {
                    roleSet.withPublicCreate(connection, source, () -> clients.runScript(target,
                            pre.script(kept), "schema (pre-data) of " + target.describe()));
                }
            } else if (present < tables.size()) {
                throw new MigrationProblem("the target database " + target.database() + " has " + present + " of the "
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
                                if (!PgErrors.alreadyExists(e)) {
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
            throw new MigrationProblem("building the primary keys was interrupted", "send StartReplication again");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new MigrationProblem("cannot connect to " + target.describe() + " to build the primary keys: "
                    + (cause instanceof SQLException sql ? PgErrors.describe(sql) : String.valueOf(cause)),
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
                        if (!PgErrors.alreadyExists(e)) {
                            throw new MigrationProblem("primary key " + key.name() + " cannot be created on the target: "
                                    + PgErrors.describe(e), "fix the cause, then send StartReplication again");
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

    /**
     * Pre-data entries without the denied extensions and what depends on them (servers, user mappings, foreign
     * tables), nor the privileges and comments of what was left out.
     */
    private List<DumpEntries.Entry> keptEntries(DumpEntries pre, List<String> notes) {
        Set<String> denied = settings.denied();
        Set<String> servers = new HashSet<>();
        Set<String> left = new HashSet<>();
        List<DumpEntries.Entry> kept = new ArrayList<>();
        for (var e : pre.entries()) {
            boolean drop = e.type().equals("EXTENSION") && denied.contains(e.name());
            if (e.type().equals("SERVER") && denied.stream().anyMatch(d -> e.sql().contains("FOREIGN DATA WRAPPER " + d))) {
                servers.add(e.name());
                drop = true;
            }
            if (!servers.isEmpty() && servers.stream().anyMatch(s -> e.sql().contains("SERVER " + s))) {
                drop = true;
            }
            boolean attached = List.of("ACL", "COMMENT", "SECURITY LABEL").contains(e.type());
            if (attached && left.contains(e.schema() + "|" + e.name().substring(e.name().indexOf(' ') + 1))) {
                drop = true;
            }
            if (drop) {
                left.add(e.schema() + "|" + e.name());
                if (!attached) {
                    notes.add("left out of the target schema: " + e.type() + " " + e.name());
                }
            } else {
                kept.add(e);
            }
        }
        return kept;
    }

    /**
     * The replication user may read what it copies. Only privileges it does not hold already are granted, each
     * recorded in the ledger before its GRANT, so RESET revokes exactly those and leaves the source's own.
     */
    private void grantReads(Connection source, StartReplication command, List<SourceTables.Table> tables) throws SQLException {
        String user = command.replication().user();
        if (!Sql.exists(source, "select 1 from pg_roles where rolname = ? and not rolsuper", user)) {
            return;
        }
        String database = command.source().database();
        List<ReplicationStore.SourceGrant> grants = new ArrayList<>();
        for (String schema : tables.stream().map(SourceTables.Table::schema).distinct().toList()) {
            if (!Sql.exists(source, """
                    select 1 from pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
                    where n.nspname = ? and a.grantee = (select oid from pg_roles where rolname = ?)
                      and a.privilege_type = 'USAGE'""", schema, user)) {
                grants.add(new ReplicationStore.SourceGrant(user, "SCHEMA", schema, "", "USAGE"));
            }
        }
        for (var table : tables) {
            if (!Sql.exists(source, """
                    select 1 from pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
                    where c.oid = ?::regclass and a.grantee = (select oid from pg_roles where rolname = ?)
                      and a.privilege_type = 'SELECT'""", table.qualified(), user)) {
                grants.add(new ReplicationStore.SourceGrant(user, "TABLE", table.schema(), table.name(), "SELECT"));
            }
        }
        for (var grant : grants) {
            store.granted(command.migrationId(), database, grant);
            Sql.execute(source, "GRANT " + grant.privilege() + " ON " + grant.on() + " TO " + SqlIdentifier.quote(user));
        }
        if (!grants.isEmpty()) {
            log.info("{} privileges granted to {} on the source (recorded for ResetReplication)", grants.size(), user);
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
            String conninfo = ReplicationLogin.conninfo(publisher, secrets, target, connection, names.subscription());
            try {
                Sql.execute(connection, "CREATE SUBSCRIPTION " + SqlIdentifier.quote(names.subscription()) + " CONNECTION "
                        + Sql.literal(conninfo) + " PUBLICATION " + SqlIdentifier.quote(names.publication())
                        + " WITH (create_slot = false, slot_name = " + Sql.literal(names.slot())
                        + ", copy_data = " + copyData + ", enabled = true)");
            } catch (SQLException e) {
                if (PgErrors.notPermitted(e)) {
                    // 16+ lets a non-superuser subscribe through pg_create_subscription plus CREATE on the database
                    throw new MigrationProblem("the target administrator " + target.user() + " may not create the "
                            + "subscription " + names.subscription() + ": " + PgErrors.describe(e),
                            "on the target, as the master user, GRANT pg_create_subscription TO " + target.user()
                                    + " (16+; before 16 only a superuser, or on RDS a member of rds_superuser, may "
                                    + "subscribe), then send StartReplication again; finished steps are kept");
                }
                throw new MigrationProblem("the subscription " + names.subscription() + " cannot be created on "
                        + target.describe() + ": " + PgErrors.describe(e),
                        "check that the target reaches the source at " + publisher.host() + ":" + publisher.port()
                                + " as " + publisher.user() + " (pg_hba.conf scram-sha-256 line, password, REPLICATION "
                                + "attribute: send PrepareSource), then send StartReplication again; finished steps are kept");
            }
            log.info("Subscription {} created on {} (slot {}, copy_data = {})", names.subscription(), target.describe(), names.slot(),
                    copyData);
        }
    }
}
