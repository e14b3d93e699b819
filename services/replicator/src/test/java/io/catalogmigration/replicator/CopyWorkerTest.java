package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.Batch;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.testkit.KafkaBroker;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;

import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A snapshot copy's work message copies each of its chunks exactly once, however it is delivered: a worker that
 * failed after some chunks committed (or was killed before the ledger heard of them) leaves them recorded on the
 * target, and the message delivered again copies only the rest. A worker of a copy that a newer one superseded
 * writes nothing. Real servers, the service's own ledger and work handler, called as its listener would be.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CopyWorkerTest {

    static final String DB = "catalog";
    static final int ROWS = 20_000;

    PostgresCluster source;
    PostgresCluster target;
    KafkaBroker kafka;
    ConfigurableApplicationContext service;
    RunLedger ledger;
    ReplicateWorkHandler worker;

    @BeforeAll
    void startRealParts() {
        source = PostgresCluster.builder("copy-worker-source").fast().start();
        target = PostgresCluster.builder("copy-worker-target").fast().start();
        source.createDatabase(DB);
        target.createDatabase(DB);
        for (String table : List.of("a", "b", "c")) {
            String create = "create table " + table + " (id int primary key, label text)";
            source.execute(DB, create, "insert into " + table + " select g, 'row ' || g from generate_series(1, " + ROWS + ") g");
            target.execute(DB, create);
        }
        kafka = KafkaBroker.start();
        kafka.createTopic(Topics.REPLICATE_COMMAND, 1);
        service = ServiceRunner.start(ReplicatorApplication.class, target, kafka.bootstrapServers(), Map.of());
        ledger = service.getBean(RunLedger.class);
        worker = service.getBean(ReplicateWorkHandler.class);
    }

    @AfterAll
    void stopRealParts() {
        ServiceRunner.stop(service);
        if (kafka != null) kafka.close();
        if (target != null) target.close();
        if (source != null) source.close();
    }

    @Test
    void aMessageDeliveredAgainAfterAFailureCopiesOnlyTheChunksNotYetCopiedAndASupersededCopyWritesNothing() throws Exception {
        try (Connection exporter = source.connect(DB)) {
            exporter.setAutoCommit(false);
            var statement = exporter.createStatement();
            statement.execute("set transaction isolation level repeatable read");
            var rs = statement.executeQuery("select pg_export_snapshot()");
            rs.next();
            String snapshot = rs.getString(1);
            UUID copyRun = UUID.randomUUID();
            // message 0: tables a and b; message 1: table c
            plan(copyRun, snapshot, List.of(List.of(chunk("a"), chunk("b")), List.of(chunk("c"))));

            // b is locked on the target and the worker's sessions give up waiting at once: a and only a commits
            target.execute(DB, "alter database " + DB + " set lock_timeout = '300ms'");
            try (Connection locker = target.connect(DB)) {
                locker.setAutoCommit(false);
                locker.createStatement().execute("lock table b in access exclusive mode");
                assertThatThrownBy(() -> worker.handle(new ReplicateWork(copyRun, 0)))
                        .as("a lock timeout is a transient fault: the error handler delivers the message again")
                        .hasMessageContaining("transient");
                locker.rollback();
            }
            assertThat(count("a")).isEqualTo(ROWS);
            assertThat(count("b")).isZero();
            assertThat(ledger.batch(copyRun, 0).orElseThrow().isDone()).as("the ledger never heard of a").isFalse();

            worker.handle(new ReplicateWork(copyRun, 0));

            assertThat(count("a")).as("a, recorded as copied with its rows, is not copied again").isEqualTo(ROWS);
            assertThat(count("b")).isEqualTo(ROWS);
            assertThat(ledger.batch(copyRun, 0).orElseThrow().isDone()).isTrue();
            assertThat(ledger.find(copyRun).orElseThrow().finished()).as("message 1 is still to come").isFalse();

            // the starter began the copy over (a new snapshot): the old copy's message 1 arrives late and writes nothing
            try (Connection takeOver = target.connect(DB)) {
                takeOver.setAutoCommit(false);
                CopyMarks.takeOver(takeOver, UUID.randomUUID());
                takeOver.commit();
            }
            worker.handle(new ReplicateWork(copyRun, 1));
            assertThat(count("c")).isZero();
            assertThat(ledger.batch(copyRun, 1).orElseThrow().isDone()).isFalse();
            assertThat(target.queryForLong(DB, "select count(*) from migration_verify.copied_chunk"))
                    .as("the superseded copy's records went with it").isZero();
            exporter.rollback();
        } finally {
            target.execute(DB, "alter database " + DB + " reset lock_timeout");
        }
    }

    private void plan(UUID copyRun, String snapshot, List<List<CopyChunk>> messages) throws Exception {
        var command = new StartReplication(UUID.randomUUID(), "mig-copy-worker", Instant.now(), source.endpoint(DB),
                target.endpoint("postgres"), source.endpoint(DB), Map.of());
        ledger.open(copyRun, command.migrationId(), SnapshotCopier.KIND,
                MessageJson.mapper().writerFor(ReplicateCommand.class).writeValueAsString(command));
        List<Batch> batches = new java.util.ArrayList<>();
        for (var message : messages) {
            batches.add(new Batch(copyRun, batches.size(), 0, Batch.PLANNED, message.size(), 0,
                    MessageJson.mapper().writeValueAsString(message)));
        }
        long total = messages.stream().flatMap(List::stream).mapToLong(CopyChunk::bytes).sum();
        ledger.start(copyRun, "COPYING", total, MessageJson.mapper().writeValueAsString(
                new CopyPlan(snapshot, DB, command.commandId(), 3)), batches);
        try (Connection connection = target.connect(DB)) {
            connection.setAutoCommit(false);
            CopyMarks.takeOver(connection, copyRun);
            connection.commit();
        }
    }

    private static CopyChunk chunk(String table) {
        return new CopyChunk("public." + table, "id, label", -1, -1, 1_000_000);
    }

    private long count(String table) {
        return target.queryForLong(DB, "select count(*) from " + table);
    }
}
