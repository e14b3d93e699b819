package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.SizingInputs;
import io.catalogmigration.provisioner.ProvisionerProperties.InstanceClassRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.catalogmigration.provisioner.Sizing.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SizingTest {

    static final ProvisionerProperties SETTINGS = TestSettings.defaults();

    @Test
    void theRunbooksExampleOf177GbAnd5774MbNeeds366Gib() {
        long rosemeta = 177 * GIB;
        long lineage = 5774L * 1024 * 1024;

        assertThat(Sizing.storageGb(rosemeta + lineage, 20, 16384)).isEqualTo(366);
    }

    @Test
    void aSourceThatDoublesTo19GibGetsTheMinimumOf20() {
        assertThat(Sizing.storageGb(19 * GIB / 2, 20, 16384)).isEqualTo(20);
    }

    @Test
    void anEmptySourceGetsTheMinimumOf20() {
        assertThat(Sizing.storageGb(0, 20, 16384)).isEqualTo(20);
    }

    @Test
    void aSourceThatDoublesToExactly20GibGets20() {
        assertThat(Sizing.storageGb(10 * GIB, 20, 16384)).isEqualTo(20);
    }

    @Test
    void oneByteMoreRoundsUpToTheNextWholeGib() {
        assertThat(Sizing.storageGb(10 * GIB + 1, 20, 16384)).isEqualTo(21);
    }

    @Test
    void aSourceThatDoublesToExactlyTheMaximumOf16384GibFits() {
        assertThat(Sizing.storageGb(8192 * GIB, 20, 16384)).isEqualTo(16384);
    }

    @Test
    void aSourceThatDoublesTo16385GibIsRejectedWithTheReasonAndWhatToDo() {
        long needs16385 = 8192 * GIB + GIB / 2;

        assertThatThrownBy(() -> Sizing.storageGb(needs16385, 20, 16384))
                .isInstanceOf(SizingRejected.class)
                .hasMessageContaining("16,385 GiB").hasMessageContaining("maximum of 16,384 GiB")
                .satisfies(e -> assertThat(((SizingRejected) e).action()).contains("StartPrune"));
    }

    @ParameterizedTest(name = "{0} objects and {1} users -> {2}")
    @CsvSource({
            "0,         0,   db.m6i.xlarge",
            "5000000,   150, db.m6i.xlarge",
            "5000001,   150, db.m6i.2xlarge",
            "20000000,  150, db.m6i.2xlarge",
            "20000001,  150, db.r6i.4xlarge",
            "1000000,   151, db.r6i.4xlarge",
            "90000000,  800, db.r6i.4xlarge"})
    void theInstanceClassFollowsTheRunbooksBands(long objects, int users, String expected) {
        List<String> reasoning = new ArrayList<>();

        assertThat(Sizing.instanceClass(objects, users, SETTINGS.sizing().instanceClasses(), reasoning)).isEqualTo(expected);
        assertThat(reasoning).isEmpty();
    }

    @Test
    void aLoadBeyondEveryBandGetsTheLargestClassAndAWarningToReviewIt() {
        List<String> reasoning = new ArrayList<>();

        assertThat(Sizing.instanceClass(1_000, 801, SETTINGS.sizing().instanceClasses(), reasoning)).isEqualTo("db.r6i.4xlarge");
        assertThat(reasoning).singleElement().asString().contains("WARNING", "801 users", "review");
    }

    @Test
    void aConfiguredTableReplacesTheDefaultOne() {
        var table = List.of(new InstanceClassRule(100L, null, "db.t4g.medium"), new InstanceClassRule(null, null, "db.m7g.large"));

        assertThat(Sizing.instanceClass(100, 10_000, table, new ArrayList<>())).isEqualTo("db.t4g.medium");
        assertThat(Sizing.instanceClass(101, 1, table, new ArrayList<>())).isEqualTo("db.m7g.large");
    }

    @Test
    void workersAreTheSourcesCpusWithinOneAndTheConfiguredMaximum() {
        assertThat(Sizing.workers(8, 64)).isEqualTo(8);
        assertThat(Sizing.workers(128, 64)).isEqualTo(64);
        assertThat(Sizing.workers(0, 64)).isEqualTo(1);
    }

    @Test
    void aPlanExplainsEachDecisionAndSizesReplicationFromTheWorkers() {
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put("rosemeta", 177 * GIB);
        sizes.put("lineage", 5774L * 1024 * 1024);
        var inputs = new SizingInputs(sizes, 12_000_000, false, 100, 8, 130011);

        var plan = Sizing.plan(inputs, SETTINGS, true, true);

        assertThat(plan.storageGb()).isEqualTo(366);
        assertThat(plan.instanceClass()).isEqualTo("db.m6i.2xlarge");
        assertThat(plan.migrationWorkers()).isEqualTo(8);
        assertThat(plan.replicationParameters()).containsEntry("rds.logical_replication", "1")
                .containsEntry("max_sync_workers_per_subscription", "8")
                .containsEntry("max_logical_replication_workers", "18")
                .containsEntry("max_worker_processes", "26")
                .containsEntry("max_replication_slots", "18")
                .containsEntry("max_wal_senders", "18");
        assertThat(String.join("\n", plan.reasoning())).contains("rosemeta 177.0 GiB + lineage 5.6 GiB", "366 GiB",
                "12,000,000 objects (given)", "8 CPUs (given)");
    }

    @Test
    void assumedInputsAreSaidToBeAssumed() {
        var inputs = new SizingInputs(Map.of("rosemeta", GIB), 1_000, true, 150, 4, 150004);

        var plan = Sizing.plan(inputs, SETTINGS, false, false);

        assertThat(plan.storageGb()).isEqualTo(20);
        assertThat(String.join("\n", plan.reasoning())).contains("below the minimum, so 20 GiB",
                "estimated from the source's row counts", "assumed: provisioner.sizing.default-concurrent-users",
                "assumed: provisioner.sizing.default-source-cpus");
        assertThat(plan.replicationParameters()).containsEntry("max_replication_slots", "10").containsEntry("max_wal_senders", "10");
    }
}
