package io.catalogmigration.console;

import io.catalogmigration.common.contract.MigrationEvent;
import io.catalogmigration.common.contract.ReplicationStatusReported;
import io.catalogmigration.console.Views.MigrationDetail;
import io.catalogmigration.console.Views.StepView;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** How the console folds a migration's events into its runbook timeline. */
class MigrationFoldingTest {

    private static final Instant T0 = Instant.parse("2026-11-21T03:00:00Z");
    private final SampleEvents events = new SampleEvents("rds-2026-11");
    private final Migrations migrations = new Migrations(10, Clock.fixed(T0.plusSeconds(100), ZoneOffset.UTC));

    @Test
    void aRunInProgressShowsItsLatestReportOfEachPhaseAndHowLongItHasRun() {
        UUID prune = UUID.randomUUID();
        apply(events.progress("prune", prune, "pre-validation", 9, 9, "tables", null, null, T0),
                events.progress("prune", prune, "deleting", 100, 1000, "rows", 90L, null, T0.plusSeconds(5)),
                events.progress("prune", prune, "deleting", 400, 1000, "rows", 60L, null, T0.plusSeconds(10)));

        StepView step = onlyStep();
        assertThat(step.state()).isEqualTo("RUNNING");
        assertThat(step.service()).isEqualTo("prune");
        assertThat(step.title()).isEqualTo("deleting");
        assertThat(step.startedAt()).isEqualTo(T0);
        assertThat(step.durationMillis()).isEqualTo(100_000);
        assertThat(step.phases()).extracting(p -> p.phase() + " " + p.done() + "/" + p.total() + " " + p.percent() + "% eta " + p.etaSeconds())
                .containsExactly("pre-validation 9/9 100% eta null", "deleting 400/1000 40% eta 60");
        assertThat(detail().summary().state()).isEqualTo("running");
    }

    @Test
    void anOutcomeEndsTheStepWithItsDurationAndFigures() {
        UUID prune = UUID.randomUUID();
        apply(events.progress("prune", prune, "deleting", 0, 1000, "rows", null, null, T0),
                events.pruneCompleted(prune, 1000, T0.plusSeconds(42)));

        StepView step = onlyStep();
        assertThat(step.state()).isEqualTo("SUCCEEDED");
        assertThat(step.outcome()).isEqualTo("PruneCompleted");
        assertThat(step.endedAt()).isEqualTo(T0.plusSeconds(42));
        assertThat(step.durationMillis()).isEqualTo(42_000);
        assertThat(step.facts()).containsEntry("rowsDeleted", 1000L).containsEntry("mode", "PURGE")
                .doesNotContainKeys("eventId", "runId", "migrationId", "occurredAt");
        assertThat(detail().summary().state()).isEqualTo("succeeded");
    }

    @Test
    void aFailedStepCarriesTheReasonAndWhatToDo() {
        UUID scan = UUID.randomUUID();
        apply(events.scanFailed(scan, "relation rosemeta_x does not exist", "check scan.tables", T0));

        StepView step = onlyStep();
        assertThat(step.state()).isEqualTo("FAILED");
        assertThat(step.service()).as("known from the outcome's type alone").isEqualTo("scan");
        assertThat(step.reason()).isEqualTo("relation rosemeta_x does not exist");
        assertThat(step.action()).isEqualTo("check scan.tables");
        assertThat(detail().summary().state()).isEqualTo("failed");
        assertThat(detail().summary().failed()).isEqualTo(1);
    }

    @Test
    void unequalLineageCountsAreAFailureThoughTheOutcomeIsNotNamedFailed() {
        apply(events.lineageValidated(UUID.randomUUID(), 1000, 998, T0));

        StepView step = onlyStep();
        assertThat(step.state()).isEqualTo("FAILED");
        assertThat(step.reason()).contains("1000 links", "998 edges");
    }

    @Test
    void theChecksOfOneDatabaseMakeOneCatchUpStepThatEndsWhenReplicationHasCaughtUp() {
        UUID check = null;
        for (int i = 0; i < 5; i++) {
            check = UUID.randomUUID();
            Instant at = T0.plusSeconds(i * 2);
            apply(events.progress("replicator", check, "sync", 1, 1, "tables", null, "rosemeta: 1/1 tables ready, lag 9 bytes", at),
                    events.status(check, "rosemeta", i < 4 ? ReplicationStatusReported.NEED_TO_WAIT
                            : ReplicationStatusReported.STOP_WAITING, 5_000_000 - i * 1_000_000, at.plusMillis(500)));
        }
        UUID lineageCheck = UUID.randomUUID();
        apply(events.progress("replicator", lineageCheck, "sync", 3, 3, "tables", null, "lineage: 3/3 tables ready", T0.plusSeconds(20)),
                events.progress("replicator", lineageCheck, "indexes", 1, 4, "indexes", null, "lineage: created 1/4 indexes", T0.plusSeconds(21)));

        List<StepView> steps = detail().steps();
        assertThat(steps).extracting(StepView::title).containsExactly("catch-up rosemeta", "catch-up lineage");
        StepView rosemeta = steps.get(0);
        assertThat(rosemeta.state()).isEqualTo("SUCCEEDED");
        assertThat(rosemeta.runIds()).as("the latest check's").containsExactly(check);
        assertThat(rosemeta.facts()).containsEntry("checks", 5).containsEntry("lagBytes", 1_000_000L)
                .containsEntry("answer", "STOP_WAITING");
        assertThat(rosemeta.durationMillis()).isEqualTo(8_500);
        assertThat(steps.get(1).state()).isEqualTo("RUNNING");
        assertThat(steps.get(1).phases()).extracting(p -> p.phase()).containsExactly("sync", "indexes");
    }

    @Test
    void theOnlineVerificationJoinsTheCatchUpStepAndRowsThatDifferFailItUntilAPassFindsNone() {
        UUID verification = UUID.randomUUID();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        apply(events.progress("replicator", verification, "verify", 40, 100, "bytes", 6L, "rosemeta: online verification", T0),
                events.progress("replicator", first, "sync", 3, 3, "tables", null, "rosemeta: 3/3 tables ready", T0.plusSeconds(1)),
                events.status(first, "rosemeta", ReplicationStatusReported.NEED_TO_WAIT, 10, SampleEvents.verification(
                        "DIFFERENT", 10, 10, List.of("public.t key (7): the target's row differs")), T0.plusSeconds(2)));

        StepView differing = onlyStep();
        assertThat(differing.title()).isEqualTo("catch-up rosemeta");
        assertThat(differing.state()).isEqualTo("FAILED");
        assertThat(differing.reason()).contains("rows differ", "public.t key (7)");
        assertThat(differing.action()).contains("ResetReplication");
        assertThat(differing.facts()).containsEntry("verification.state", "DIFFERENT").containsEntry("checks", 1);
        assertThat(differing.phases()).extracting(p -> p.phase()).containsExactly("verify", "sync");

        apply(events.progress("replicator", verification, "verify", 100, 100, "bytes", 0L, "rosemeta: online verification", T0.plusSeconds(3)),
                events.status(second, "rosemeta", ReplicationStatusReported.STOP_WAITING, 10,
                        SampleEvents.verification("VERIFIED", 10, 10, List.of()), T0.plusSeconds(4)));

        StepView verified = onlyStep();
        assertThat(verified.state()).isEqualTo("SUCCEEDED");
        assertThat(verified.facts()).containsEntry("verification.state", "VERIFIED").containsEntry("checks", 2);
        assertThat(verified.phases().get(0).percent()).isEqualTo(100);
    }

    @Test
    void theCutoverShowsItsWriteDowntimeAndEachPhase() {
        UUID cutover = UUID.randomUUID();
        apply(events.progress("cutover", cutover, "cutover", 3, 8, "steps", null, "SWITCH", T0),
                events.cutoverCompleted(cutover, 1_234, T0.plusSeconds(3)));

        StepView step = onlyStep();
        assertThat(step.facts()).containsEntry("writeDowntimeMillis", 1_234L).containsEntry("databases", "rosemeta, lineage")
                .containsEntry("tables", 1).doesNotContainKey("notes");
        assertThat(step.facts().get("phases")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .hasSize(2);
        assertThat(detail().summary().cutOver()).isTrue();
    }

    @Test
    void readingTheTopicsAgainInAnyOrderChangesNothing() {
        UUID prune = UUID.randomUUID();
        UUID scan = UUID.randomUUID();
        List<MigrationEvent> all = List.of(
                events.progress("prune", prune, "deleting", 10, 100, "rows", 9L, null, T0),
                events.progress("prune", prune, "deleting", 100, 100, "rows", 0L, null, T0.plusSeconds(9)),
                events.pruneCompleted(prune, 100, T0.plusSeconds(10)),
                events.progress("scan", scan, "scanning", 5, 50, "bytes", 4L, null, T0.plusSeconds(11)),
                events.progress("scan", scan, "scanning", 25, 50, "bytes", 2L, null, T0.plusSeconds(12)));
        all.forEach(migrations::apply);
        MigrationDetail once = detail();

        List<MigrationEvent> again = new ArrayList<>(all);
        again.addAll(all);
        Collections.shuffle(again, new Random(7));
        var replayed = new Migrations(10, Clock.fixed(T0.plusSeconds(100), ZoneOffset.UTC));
        again.forEach(replayed::apply);

        assertThat(replayed.detail("rds-2026-11")).contains(once);
        assertThat(once.steps()).extracting(StepView::state).containsExactly("SUCCEEDED", "RUNNING");
        assertThat(once.steps().get(1).phases().get(0).done()).isEqualTo(25);
    }

    @Test
    void theListShowsTheMigrationWithTheLatestEventFirstAndForgetsTheOldestBeyondItsCapacity() {
        var small = new Migrations(2, Clock.fixed(T0, ZoneOffset.UTC));
        small.apply(new SampleEvents("old").pruneCompleted(UUID.randomUUID(), 1, T0));
        small.apply(new SampleEvents("newer").pruneCompleted(UUID.randomUUID(), 1, T0.plusSeconds(2)));
        small.apply(new SampleEvents("newest").pruneCompleted(UUID.randomUUID(), 1, T0.plusSeconds(3)));

        assertThat(small.list()).extracting(Views.MigrationSummary::id).containsExactly("newest", "newer");
        assertThat(small.detail("old")).isEmpty();
    }

    private void apply(MigrationEvent... all) {
        for (MigrationEvent e : all) assertThat(migrations.apply(e)).isTrue();
    }

    private MigrationDetail detail() {
        return migrations.detail("rds-2026-11").orElseThrow();
    }

    private StepView onlyStep() {
        assertThat(detail().steps()).hasSize(1);
        return detail().steps().get(0);
    }
}
