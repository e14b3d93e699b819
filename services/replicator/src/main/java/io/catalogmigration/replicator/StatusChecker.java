package io.catalogmigration.replicator;

import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.pg.ReplicationNames;
import io.catalogmigration.common.pg.Subscriptions;
import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.CopiedObject;
import io.catalogmigration.common.contract.ReplicationStatusReported;
import io.catalogmigration.common.contract.TableSync;
import io.catalogmigration.common.contract.VerificationReport;
import io.catalogmigration.common.inventory.SchemaDrift;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.progress.Progress;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.run.MigrationProblem;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * STATUS: each table's sync state on the target, the slot's lag on the source, and the runbook's answer. Once every
 * table is ready the deferred indexes and constraints are applied before the answer is given. DDL on the source since
 * replication started keeps the answer NEED_TO_WAIT, each change named with the statement that levels the target.
 */
record StatusChecker(ReplicatorProperties settings, PgConnector connector, ReplicationStore store,
                     PostDataApplier applier, OnlineVerification verification, ProgressReporter progress,
                     UnreplicatedObjects unreplicated) {

    ReplicationStatusReported check(CheckReplication command) throws SQLException {
        String database = command.source().database();
        var names = ReplicationNames.of(database);
        var target = command.target().withDatabase(database);
        List<TableSync> tables = new ArrayList<>();
        boolean streaming;
        try (Connection admin = connector.connect(command.target())) {
            if (!Sql.exists(admin, "select 1 from pg_database where datname = ?", database)) {
                throw new MigrationProblem("the target has no database " + database, "send StartReplication first");
            }
        }
        try (Connection connection = connector.connect(target)) {
            if (!Sql.exists(connection, "select 1 from pg_subscription where subname = ? and subdbid = "
                    + "(select oid from pg_database where datname = current_database())", names.subscription())) {
                throw new MigrationProblem("the target database " + database + " has no subscription " + names.subscription(),
                        "send StartReplication for this database (it continues where it stopped)");
            }
            try (var ps = connection.prepareStatement("""
                    select r.srrelid::regclass::text, r.srsubstate from pg_subscription_rel r
                    join pg_subscription s on s.oid = r.srsubid where s.subname = ? order by 1""")) {
                ps.setString(1, names.subscription());
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        tables.add(new TableSync(rs.getString(1), rs.getString(2)));
                    }
                }
            }
            streaming = Subscriptions.applyWorkerRunning(connection, names.subscription());
        }
        long lag;
        try (Connection source = connector.connect(command.source())) {
            String value = Sql.one(source, """
                    select pg_wal_lsn_diff(pg_current_wal_lsn(), coalesce(confirmed_flush_lsn, restart_lsn))::bigint::text
                    from pg_replication_slots where slot_name = ?""", names.slot());
            if (value == null) {
                throw new MigrationProblem("the source has no replication slot " + names.slot(),
                        "send ResetReplication, then StartReplication again");
            }
            lag = Long.parseLong(value);
        }
        List<String> drift;
        try (Connection source = connector.connect(command.source()); Connection onTarget = connector.connect(target)) {
            drift = SchemaDrift.between(source, onTarget, names.publication(), names.subscription());
        }
        long ready = tables.stream().filter(t -> t.state().equals("r")).count();
        progress.announce(new Progress(command.migrationId(), command.commandId(), "sync", ready, tables.size(), "tables",
                Instant.now(), "%s: %d/%d tables ready, lag %,d bytes".formatted(database, ready, tables.size(), lag)));
        if (ready == tables.size()) {
            applier.apply(command, target);
        }
        var steps = store.steps(command.migrationId(), database);
        int indexes = (int) steps.stream().filter(ReplicationStore.Step::index).count();
        int indexesDone = (int) steps.stream().filter(s -> s.index() && s.state().equals("DONE")).count();
        int done = (int) steps.stream().filter(s -> s.state().equals("DONE")).count();
        var failures = steps.stream().filter(s -> s.state().equals("FAILED"))
                .map(s -> s.kind() + " " + s.name() + ": " + s.error()).toList();
        boolean caughtUp = streaming && ready == tables.size() && lag <= settings.lagThreshold().toBytes();
        // Verification starts once every table is ready: before that the target is still being filled.
        VerificationReport verified = ready == tables.size() && streaming ? verification.advance(command)
                : new VerificationReport(VerificationReport.NOT_STARTED, 0, 0, 0, 0, List.of(), 0, 0,
                "starts once every table is ready and the subscription streams");
        progress.announce(new Progress(command.migrationId(), command.commandId(), "verify", verified.chunksDone(),
                verified.chunksTotal(), "chunks", Instant.now(), database + ": " + verified.state() + ", "
                + verified.detail()));
        // Large objects changed since the last check are copied; views are populated once the tables are complete.
        var copied = unreplicated.atCheck(command.source(), target, ready == tables.size() && done == steps.size());
        boolean stop = caughtUp && drift.isEmpty() && verified.state().equals(VerificationReport.VERIFIED)
                && copied.stream().allMatch(CopiedObject::equal);
        String answer = stop ? ReplicationStatusReported.STOP_WAITING : ReplicationStatusReported.NEED_TO_WAIT;
        return new ReplicationStatusReported(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                database, answer, tables, lag, indexesDone, indexes, done, steps.size(), failures, verified, copied, drift);
    }
}
