package io.catalogmigration.cli;

import io.catalogmigration.common.contract.BackUpSource;
import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.CutoverCheck;
import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.ApplicationSessions;
import io.catalogmigration.common.contract.CutoverCompleted;
import io.catalogmigration.common.contract.FallbackReplication;
import io.catalogmigration.common.contract.CutoverPhase;
import io.catalogmigration.common.contract.LineageCommand;
import io.catalogmigration.common.contract.LineageMigrated;
import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.contract.MigrationEvent;
import io.catalogmigration.common.contract.PreflightPassed;
import io.catalogmigration.common.contract.PrepareSource;
import io.catalogmigration.common.contract.ProgressReported;
import io.catalogmigration.common.contract.ProvisionCommand;
import io.catalogmigration.common.contract.ProvisionTarget;
import io.catalogmigration.common.contract.ProvisionedResources;
import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.PruneCompleted;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ReplicationStarted;
import io.catalogmigration.common.contract.ReplicationStatusReported;
import io.catalogmigration.common.contract.RunPreflight;
import io.catalogmigration.common.contract.ScanCommand;
import io.catalogmigration.common.contract.ScanCompleted;
import io.catalogmigration.common.contract.ScanMode;
import io.catalogmigration.common.contract.SnapshotTarget;
import io.catalogmigration.common.contract.SourceBackedUp;
import io.catalogmigration.common.contract.SourceCheck;
import io.catalogmigration.common.contract.SourcePrepared;
import io.catalogmigration.common.contract.StartCutover;
import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.contract.StartPrune;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.contract.StartScan;
import io.catalogmigration.common.contract.TableSync;
import io.catalogmigration.common.contract.TargetPlan;
import io.catalogmigration.common.contract.TargetProvisioned;
import io.catalogmigration.common.contract.TargetSnapshotTaken;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.contract.VerifiedTable;
import io.catalogmigration.common.contract.VerificationReport;
import io.catalogmigration.common.kafka.MessageJson;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Stands in for the six services at the CLI level only: a thread reads the command topics and answers each command
 * of a scripted migration with plausible events (records of common/contract, published as the services publish them).
 * The end-to-end run with the real services is tested elsewhere.
 */
final class ScriptedServices implements AutoCloseable {

    static final Map<String, Class<? extends MigrationCommand>> FAMILIES = Map.of(
            Topics.PRUNE_COMMAND, PruneCommand.class, Topics.SCAN_COMMAND, ScanCommand.class,
            Topics.LINEAGE_COMMAND, LineageCommand.class, Topics.PROVISION_COMMAND, ProvisionCommand.class,
            Topics.REPLICATE_COMMAND, ReplicateCommand.class, Topics.CUTOVER_COMMAND, CutoverCommand.class);

    /** What a service answers to a command; an empty list leaves it unanswered. */
    interface Script extends Function<MigrationCommand, List<MigrationEvent>> {
    }

    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    ScriptedServices() {
        thread = new Thread(this::answer, "scripted-services");
        thread.setDaemon(true);
        thread.start();
    }

    void script(String migrationId, Script script) {
        scripts.put(migrationId, script);
    }

    private void answer() {
        try (var consumer = consumer()) {
            while (running) {
                for (var record : consumer.poll(Duration.ofMillis(100))) {
                    Script script = scripts.get(record.key());
                    if (script == null) continue;
                    for (MigrationEvent event : script.apply(read(record))) Cli.publish(event);
                }
            }
        }
    }

    /** Every command of the migration on the command topics, in the order they were published. */
    static List<MigrationCommand> published(String migrationId) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (var consumer = consumer()) {
            var ends = consumer.endOffsets(consumer.assignment());
            while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (var record : consumer.poll(Duration.ofMillis(100))) {
                    if (migrationId.equals(record.key())) records.add(record);
                }
            }
        }
        records.sort(Comparator.comparingLong(ConsumerRecord::timestamp));
        return records.stream().map(ScriptedServices::read).toList();
    }

    static List<String> types(List<MigrationCommand> commands) {
        return commands.stream().map(c -> c.getClass().getSimpleName()).toList();
    }

    private static MigrationCommand read(ConsumerRecord<String, String> record) {
        return MessageJson.mapper().readValue(record.value(), FAMILIES.get(record.topic()));
    }

    /** Reads every command topic from its beginning, without a consumer group. */
    private static KafkaConsumer<String, String> consumer() {
        var consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Cli.bootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : FAMILIES.keySet()) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What the services would answer when everything goes well. Each database needs {@code checksUntilReady}
     * CheckReplication before it caught up with every index built.
     */
    static Script plausible(int checksUntilReady) {
        Map<String, Integer> checks = new ConcurrentHashMap<>();
        return c -> {
            String m = c.migrationId();
            UUID run = c.commandId();
            if (c instanceof BackUpSource) {
                return List.of(new SourceBackedUp(id(), m, now(), run, "postgres@source.internal:5432/postgres",
                        SourceBackedUp.PG_BASEBACKUP, "/var/backups/catalog/" + m, 3L << 30, true,
                        "pg_verifybackup: backup successfully verified", List.of()));
            }
            if (c instanceof SnapshotTarget) {
                return List.of(new TargetSnapshotTaken(id(), m, now(), run, "local", m + "-cutover-1a2b3c4d", null,
                        "/var/backups/catalog/snapshots/" + m + "-cutover-1a2b3c4d", List.of()));
            }
            if (c instanceof StartPrune) {
                return List.of(progress(m, "prune", run, "deleting", 2500, 4000),
                        new PruneCompleted(id(), m, now(), run, "rosemeta", PruneMode.PURGE, 4000, 1200, List.of(), List.of()));
            }
            if (c instanceof StartScan) {
                return List.of(new ScanCompleted(id(), m, now(), run, ScanMode.REPAIR, 40, List.of("rosemeta/public.t1"), 3, 3,
                        1L << 30, 5000, List.of()));
            }
            if (c instanceof StartLineageMigration) {
                return List.of(new LineageMigrated(id(), m, now(), run, 2000, 2000, 150, 20, 1L << 20, 1500, true));
            }
            if (c instanceof ProvisionTarget) {
                return List.of(new TargetProvisioned(id(), m, now(), run, "local", "target.internal", 5433,
                        List.of("rosemeta", "lineage"), "postgres", "env:TARGET_ADMIN_PW", "catalog_app", "file:/run/secrets/app",
                        new ProvisionedResources(null, null, null, null, null, null, null, null),
                        new TargetPlan(200, "db.r6g.xlarge", 4, Map.of(), null, List.of("200 GB: twice the source")),
                        List.of("adopted the databases of an earlier attempt")));
            }
            if (c instanceof PrepareSource) {
                return List.of(new SourcePrepared(id(), m, now(), run, "postgres@source.internal:5432/postgres", "150004", true,
                        false, List.of(new SourceCheck("wal_level", "logical", "logical", SourceCheck.OK, null),
                        new SourceCheck("max_wal_senders", "10", "12", SourceCheck.CHANGED, null))));
            }
            if (c instanceof StartReplication s) {
                return List.of(new ReplicationStarted(id(), m, now(), run, s.source().database(), "pub", "slot", "sub", 20,
                        List.of("alation"), List.of(), 10));
            }
            if (c instanceof CheckReplication ch) {
                String db = ch.source().database();
                int n = checks.merge(db, 1, Integer::sum);
                boolean ready = n >= checksUntilReady;
                return List.of(new ReplicationStatusReported(id(), m, now(), run, db,
                        ready ? ReplicationStatusReported.STOP_WAITING : ReplicationStatusReported.NEED_TO_WAIT,
                        List.of(new TableSync("public.a", "r"), new TableSync("public.b", ready ? "r" : "d")),
                        ready ? 0 : 5 << 20, ready ? 6 : 0, 6, ready ? 10 : 0, 10, List.of(),
                        new VerificationReport(ready ? VerificationReport.VERIFIED : VerificationReport.VERIFYING,
                                ready ? 4 : 1, 4, ready ? 150 : 40, 8192, List.of(), ready ? 1 : 0, 0, "online pass")));
            }
            if (c instanceof RunPreflight) {
                return List.of(new PreflightPassed(id(), m, now(), run, List.of(
                        new CutoverCheck("rosemeta", "row counts", CutoverCheck.OK, "20 tables equal"),
                        new CutoverCheck(null, "hooks", CutoverCheck.WARNING, "no stop hook configured"))));
            }
            if (c instanceof StartCutover s) {
                return List.of(new CutoverCompleted(id(), m, now(), run, s.databases(), 2300,
                        List.of(new CutoverPhase("STOP_WRITES", 300), new CutoverPhase("VERIFY", 1500)),
                        List.of(new VerifiedTable("rosemeta", "public.a", "key ranges", 100, 3, true),
                                new VerifiedTable("lineage", "public.b", "whole table (no key)", 50, 0, true)),
                        7, "file:/etc/catalog/db.conf", "0/3000060", List.of("alation"),
                        List.of(new FallbackReplication("rosemeta", "fallback_rosemeta", "fallback_rosemeta",
                                "fallback_rosemeta", true, 0L, "the source applies the target's writes")),
                        new ApplicationSessions("alation", 4, 0, true, 900), List.of()));
            }
            return List.of();
        };
    }

    static ProgressReported progress(String m, String service, UUID run, String phase, long done, long total) {
        return new ProgressReported(id(), m, now(), service, run, phase, done, total, "rows", 100.0, 15L, phase + " rows");
    }

    static UUID id() {
        return UUID.randomUUID();
    }

    static Instant now() {
        return Instant.now();
    }
}
