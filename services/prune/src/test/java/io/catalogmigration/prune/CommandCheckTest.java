package io.catalogmigration.prune;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.StartPrune;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class CommandCheckTest {

    static final PruneProperties SETTINGS = new PruneProperties(10_000, 100, 2, 6, 0.001, Duration.ofSeconds(1), Map.of(
            "qli", new PruneProperties.RetentionGroup(Period.ofMonths(6), List.of()),
            "metrics", new PruneProperties.RetentionGroup(Period.ofDays(30), List.of())));
    static final PgEndpoint DB = new PgEndpoint("db", 5432, "rosemeta", "alation", "verify-full", "env:PGPASSWORD");

    @Test
    void aWellFormedCommandHasNoProblems() {
        assertThat(CommandCheck.problems(start(DB, List.of("qli"), 5_000), SETTINGS)).isEmpty();
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        var bad = new PgEndpoint("", 70_000, "rosemeta", "alation", "sometimes", null);

        var problems = CommandCheck.problems(start(bad, List.of("qli", "everything"), 0), SETTINGS);

        assertThat(String.join("\n", problems)).contains("endpoint.host is missing", "70000 is not a TCP port",
                "sslmode 'sometimes'", "passwordRef is missing", "unknown group 'everything' (known groups: metrics, qli)",
                "batchSize 0 is outside");
    }

    @Test
    void aMigrationIdThatIsNotPlainIsNamedByTheRuleEveryServiceShares() {
        var command = new StartPrune(UUID.randomUUID(), "prod catalog", Instant.now(), DB, List.of("qli"), PruneMode.PURGE, null);

        assertThat(CommandCheck.problems(command, SETTINGS)).singleElement().asString()
                .startsWith("migrationId 'prod catalog' must be 1-100 letters, digits");
    }

    @Test
    void aMissingDatabaseIsAProblemNotACrash() {
        assertThat(CommandCheck.problems(start(null, List.of(), null), SETTINGS)).singleElement().asString().contains("database is missing");
    }

    @Test
    void cutoffsAreCalendarMonthsAndDaysBeforeThePlanningTime() {
        Instant planned = Instant.parse("2026-11-21T10:00:00Z");

        assertThat(PreValidation.cutoff(planned, SETTINGS.groups().get("qli"))).isEqualTo(Instant.parse("2026-05-21T10:00:00Z"));
        assertThat(PreValidation.cutoff(planned, SETTINGS.groups().get("metrics"))).isEqualTo(Instant.parse("2026-10-22T10:00:00Z"));
    }

    private static StartPrune start(PgEndpoint db, List<String> groups, Integer batchSize) {
        return new StartPrune(UUID.randomUUID(), "m", Instant.now(), db, groups, PruneMode.PURGE, batchSize);
    }
}
