package io.catalogmigration.scan;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ScanCommand;
import io.catalogmigration.common.contract.ScanCompleted;
import io.catalogmigration.common.contract.ScanFailed;
import io.catalogmigration.common.contract.ScanMethod;
import io.catalogmigration.common.contract.ScanMode;
import io.catalogmigration.common.contract.ScannedTable;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.ServiceRunner;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class ScanServiceTest extends ScanTestBase {

    static final Set<Long> WIDE_DAMAGED = Set.of(17L, 333L, 334L, 599L);
    static final Set<Long> PACKED_DAMAGED = Set.of(250L);
    static final Set<Long> DAMAGED = new TreeSet<>(List.of(17L, 250L, 333L, 334L, 599L));

    static ConfigurableApplicationContext service;

    @BeforeAll
    static void startService() {
        service = startService(Map.of());
    }

    @AfterAll
    static void stopService() {
        ServiceRunner.stop(service);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ScanMethod.class, names = {"AMCHECK", "READ_ROWS"})
    void reportNamesExactlyTheRowsWhoseToastValuesWereDestroyedAndChangesNothing(ScanMethod method) {
        PgEndpoint copy = copyOf(ROSEMETA_TEMPLATE);
        damage(copy.database(), WIDE_DAMAGED, PACKED_DAMAGED);
        Set<String> damagedCtids = ctids(copy.database(), DAMAGED);

        var outcome = (ScanCompleted) send(command(List.of(copy), ScanMode.REPORT, method, List.of()));

        assertThat(outcome.databases()).singleElement().satisfies(d -> assertThat(d.method()).isEqualTo(method));
        var rows = corrupted(outcome);
        assertThat(keys(rows)).isEqualTo(DAMAGED);
        assertThat(rows).extracting(r -> r.ctid()).containsExactlyInAnyOrderElementsOf(damagedCtids);
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.table()).isEqualTo(BLOBS);
            assertThat(r.error()).isNotBlank();
        });
        if (method == ScanMethod.READ_ROWS) {
            assertThat(rows).allSatisfy(r -> assertThat(r.error()).containsAnyOf("missing chunk number", "unexpected chunk number"));
        }
        assertThat(outcome.failedTables()).containsExactly(copy.database() + "/" + BLOBS);
        assertThat(outcome.deletedRows()).isZero();
        var tables = outcome.databases().get(0).tables();
        assertThat(tables).extracting(ScannedTable::table).contains(BLOBS, "public.rosemeta_executionevent");
        assertThat(tables).filteredOn(t -> !t.table().equals(BLOBS)).allSatisfy(t -> {
            assertThat(t.status()).isEqualTo(ScannedTable.Status.CLEAN);
            assertThat(t.corrupted()).isEmpty();
        });
        assertThat(tables).filteredOn(t -> t.table().equals(BLOBS)).singleElement().satisfies(t -> {
            assertThat(t.status()).isEqualTo(ScannedTable.Status.CORRUPTED);
            assertThat(t.toastTable()).startsWith("pg_toast.pg_toast_");
            assertThat(t.bytes()).isGreaterThan(BLOB_ROWS * 6_000L);
        });
        assertThat(ids(copy.database())).hasSize(BLOB_ROWS);
        assertThat(outcome.bytesScanned()).isEqualTo(tables.stream().mapToLong(ScannedTable::bytes).sum());
        assertNoPasswordCrossedTheBroker();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ScanMethod.class, names = {"AMCHECK", "READ_ROWS"})
    void repairDeletesExactlyTheDamagedRowsRecordsThemAndARerunFindsNothing(ScanMethod method) {
        PgEndpoint copy = copyOf(ROSEMETA_TEMPLATE);
        damage(copy.database(), WIDE_DAMAGED, PACKED_DAMAGED);
        Set<Long> expectedLeft = new TreeSet<>(ids(copy.database()));
        expectedLeft.removeAll(DAMAGED);
        var command = command(List.of(copy), ScanMode.REPAIR, method, List.of());

        var outcome = (ScanCompleted) send(command);

        assertThat(keys(deleted(outcome))).isEqualTo(DAMAGED);
        assertThat(outcome.deletedRows()).isEqualTo(DAMAGED.size());
        assertThat(outcome.corruptedRows()).isEqualTo(DAMAGED.size());
        assertThat(ids(copy.database())).isEqualTo(expectedLeft);
        assertThat(outcome.databases().get(0).tables()).filteredOn(t -> t.table().equals(BLOBS)).singleElement()
                .satisfies(t -> assertThat(t.status()).isEqualTo(ScannedTable.Status.REPAIRED));
        assertThat(pg.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from scan.deleted_row where run_id = '"
                + command.commandId() + "' and table_name = '" + BLOBS + "' and row_key is not null and error <> ''"))
                .isEqualTo(DAMAGED.size());

        var rerun = (ScanCompleted) send(command(List.of(copy), ScanMode.REPORT, ScanMethod.AUTO, List.of()));
        assertThat(rerun.corruptedRows()).isZero();
        assertThat(rerun.failedTables()).isEmpty();
        // Every remaining value reads in full.
        assertThat(pg.queryForLong(copy.database(), "select count(length(t::text)) from " + BLOBS + " t"))
                .isEqualTo(BLOB_ROWS - DAMAGED.size());
    }

    @Test
    void oneCommandScansBothDatabasesAndSaysWhichMethodRanOnEach() {
        PgEndpoint rosemeta = copyOf(ROSEMETA_TEMPLATE);
        PgEndpoint lineage = copyOf(LINEAGE_TEMPLATE);
        damage(lineage.database(), Set.of(42L), Set.of());

        var outcome = (ScanCompleted) send(command(List.of(rosemeta, lineage), ScanMode.REPORT, ScanMethod.AUTO,
                List.of(BLOBS)));

        assertThat(outcome.databases()).extracting(d -> d.database())
                .containsExactly(rosemeta.describe(), lineage.describe());
        assertThat(outcome.databases()).allSatisfy(d -> {
            assertThat(d.method()).isEqualTo(ScanMethod.AMCHECK);
            assertThat(d.tables()).extracting(ScannedTable::table).containsExactly(BLOBS);
        });
        assertThat(outcome.tablesScanned()).isEqualTo(2);
        assertThat(outcome.failedTables()).containsExactly(lineage.database() + "/" + BLOBS);
        assertThat(keys(outcome.databases().get(1).tables().get(0).corrupted())).containsExactly(42L);
        assertThat(outcome.databases().get(0).tables().get(0).corrupted()).isEmpty();
    }

    @Test
    void aForgedWorkMessageCannotTurnAReportIntoARepairOrNameAnotherDatabase() {
        PgEndpoint reported = copyOf(LINEAGE_TEMPLATE);
        PgEndpoint bystander = copyOf(LINEAGE_TEMPLATE);
        damage(reported.database(), Set.of(42L), Set.of());
        damage(bystander.database(), Set.of(42L), Set.of());
        var command = command(List.of(reported), ScanMode.REPORT, ScanMethod.READ_ROWS, List.of(BLOBS));
        var workers = service.getBean(org.springframework.kafka.config.KafkaListenerEndpointRegistry.class)
                .getListenerContainer("scan-workers");
        String forgedKey = "forged-" + UUID.randomUUID();
        workers.pause();
        try {
            commands.send(Topics.SCAN_COMMAND, ScanCommand.class, command);
            org.awaitility.Awaitility.await("the run's work published").atMost(OUTCOME_TIMEOUT).until(() -> pg.queryForLong(
                    ServiceRunner.CONTROL_DATABASE, "select count(*) from scan.batch where run_id = '" + command.commandId()
                            + "' and state = 'PUBLISHED'") > 0);
            // The old work message's shape: the same run, REPAIR, and another database
            commands.sendRaw(Topics.SCAN_WORK, forgedKey, """
                    {"runId":"%s","migrationId":"%s","seq":1,"mode":"REPAIR","method":"READ_ROWS","amcheckSchema":null,
                     "tablesInRun":1,"items":[],
                     "database":{"host":"%s","port":%d,"database":"%s","user":"%s","sslmode":"disable","passwordRef":"%s"}}
                    """.formatted(command.commandId(), command.migrationId(), bystander.host(), bystander.port(),
                    bystander.database(), bystander.user(), bystander.passwordRef()));
            // ids alone: the recorded batch again (it is checked as planned: REPORT), one never planned (dead-lettered,
            // or ignored once the run is finished)
            commands.sendRaw(Topics.SCAN_WORK, forgedKey, "{\"runId\":\"" + command.commandId() + "\",\"migrationId\":\"x\",\"seq\":1}");
            commands.sendRaw(Topics.SCAN_WORK, forgedKey, "{\"runId\":\"" + command.commandId() + "\",\"migrationId\":\"x\",\"seq\":999}");
        } finally {
            workers.resume();
        }
        var outcome = (ScanCompleted) events.awaitOutcome(command.commandId(), OUTCOME_TIMEOUT);

        assertThat(outcome.mode()).isEqualTo(ScanMode.REPORT);
        assertThat(keys(outcome.databases().get(0).tables().get(0).corrupted())).containsExactly(42L);
        assertThat(outcome.databases().get(0).tables().get(0).deleted()).isEmpty();
        for (PgEndpoint database : List.of(reported, bystander)) {
            assertThat(pg.queryForLong(database.database(), "select count(*) from " + BLOBS)).as(database.database())
                    .isEqualTo(BLOB_ROWS);
        }
        var parked = events.awaitRecord(Topics.deadLetter(Topics.SCAN_WORK),
                r -> forgedKey.equals(r.key()) && r.value().contains("REPAIR"), Duration.ofSeconds(30));
        assertThat(parked.headers().get("migration-dlt-reason")).contains("Unrecognized property");
    }

    @Test
    void aRedeliveredCommandScansOnce() {
        PgEndpoint copy = copyOf(ROSEMETA_TEMPLATE);
        var command = command(List.of(copy), ScanMode.REPORT, ScanMethod.AUTO, List.of());

        commands.send(Topics.SCAN_COMMAND, ScanCommand.class, command);
        commands.send(Topics.SCAN_COMMAND, ScanCommand.class, command);
        var outcome = (ScanCompleted) events.awaitOutcome(command.commandId(), OUTCOME_TIMEOUT);

        assertThat(outcome.corruptedRows()).isZero();
        var again = command(List.of(copy), ScanMode.REPORT, ScanMethod.AUTO, List.of(BLOBS));
        send(again); // a later run on the same partition: once it is done, the redelivery was handled long ago
        assertThat(events.outcomes(command.commandId())).hasSize(1);
        long items = pg.queryForLong(ServiceRunner.CONTROL_DATABASE,
                "select sum(items) from scan.batch where run_id = '" + command.commandId() + "'");
        assertThat(pg.queryForLong(ServiceRunner.CONTROL_DATABASE,
                "select count(*) from scan.scanned_item where run_id = '" + command.commandId() + "'")).isEqualTo(items);
        assertThat(items).as("the 32 kB split size splits the blob table into block ranges")
                .isGreaterThan(outcome.tablesScanned());
    }

    @Test
    void anUnknownTableFailsClearlyAndTouchesNothing() {
        PgEndpoint copy = copyOf(ROSEMETA_TEMPLATE);

        var failed = (ScanFailed) send(command(List.of(copy), ScanMode.REPAIR, ScanMethod.AUTO,
                List.of(BLOBS, "public.no_such_table")));

        assertThat(failed.reason()).contains("unknown table", "public.no_such_table").doesNotContain("scan_blob");
        assertThat(failed.action()).contains("schema.table", "nothing was scanned");
        assertThat(pg.queryForLong(copy.database(), "select count(*) from pg_extension where extname = 'amcheck'"))
                .as("not even amcheck is installed before the command is valid").isLessThanOrEqualTo(1);
        assertThat(ids(copy.database())).hasSize(BLOB_ROWS);
    }

    @Test
    void aTableNameCraftedToInjectSqlIsOnlyEverAnUnknownTable() {
        PgEndpoint copy = copyOf(ROSEMETA_TEMPLATE);
        String crafted = "public.scan_blob; drop table scan_blob; --";

        var failed = (ScanFailed) send(command(List.of(copy), ScanMode.REPAIR, ScanMethod.READ_ROWS,
                List.of(crafted, "public.\"scan_blob\"")));

        assertThat(failed.reason()).contains("unknown table", crafted);
        assertThat(ids(copy.database())).hasSize(BLOB_ROWS);
    }

    @Test
    void anUnreachableServerFailsClearly() {
        PgEndpoint nowhere = new PgEndpoint("127.0.0.1", 1, "rosemeta", "postgres", "disable", pg.secretRef());

        var failed = (ScanFailed) send(command(List.of(nowhere), ScanMode.REPORT, ScanMethod.AUTO, List.of()));

        assertThat(failed.reason()).contains("cannot plan against postgres@127.0.0.1:1/rosemeta");
        assertThat(failed.action()).contains("reachable", "new commandId");
        assertThat(failed.databases()).containsExactly(nowhere.describe());
    }

    @Test
    void aMissingSecretFailsClearlyWithoutNamingAnyPassword() {
        PgEndpoint copy = copyOf(ROSEMETA_TEMPLATE);
        PgEndpoint noSecret = new PgEndpoint(copy.host(), copy.port(), copy.database(), copy.user(), "disable",
                "env:SCAN_TEST_NO_SUCH_SECRET");

        var failed = (ScanFailed) send(command(List.of(noSecret), ScanMode.REPAIR, ScanMethod.AUTO, List.of()));

        assertThat(failed.reason()).contains("SCAN_TEST_NO_SUCH_SECRET");
        assertThat(failed.action()).contains("secret");
        assertNoPasswordCrossedTheBroker();
    }

    @Test
    void aCommandWithoutDatabasesOrWithImpossibleParallelismFailsBeforeConnecting() {
        var command = new io.catalogmigration.common.contract.StartScan(java.util.UUID.randomUUID(), "mig-bad",
                java.time.Instant.now(), List.of(), ScanMode.REPORT, List.of(), 0, null);

        var failed = (ScanFailed) send(command);

        assertThat(failed.reason()).contains("databases is empty", "parallelism 0");
    }
}
