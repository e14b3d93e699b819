package io.catalogmigration.common.command;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.StartPrune;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class CommandProblemsTest {

    private static final PgEndpoint GOOD = new PgEndpoint("db.internal", 5432, "rosemeta", "migrator", "verify-full",
            "env:ROSEMETA_PASSWORD");

    @Test
    void aGoodCommandHasNone() {
        var problems = CommandProblems.of(prune("rds-2025-06")).endpoint("database", GOOD, "the catalog's database");
        assertThat(problems.isEmpty()).isTrue();
        assertThat(problems.list()).isEmpty();
    }

    @Test
    void theMigrationIdComesFirstThenEachEndpointNamedByItsFieldThenTheServicesOwnRules() {
        var hostile = new PgEndpoint("db.internal; rm -rf /", 0, "rosemeta", "migrator", "verify-full", "env:X");
        var problems = CommandProblems.of(prune("bad id")).endpoint("source", hostile, null)
                .endpoint("target", null, "the RDS instance").add("batchSize 0 is outside 1..1000000").list();

        assertThat(problems.get(0)).startsWith("migrationId 'bad id' must be");
        assertThat(problems).contains("target is missing: the RDS instance", "batchSize 0 is outside 1..1000000");
        assertThat(problems.subList(1, problems.size() - 2)).isNotEmpty()
                .allSatisfy(p -> assertThat(p).startsWith("source: ").doesNotContain("rm -rf"));
    }

    @Test
    void aMissingEndpointWithoutAHintSaysOnlyThat() {
        assertThat(CommandProblems.of(prune("m-1")).endpoint("databases[2]", null, null).list())
                .containsExactly("databases[2] is missing");
    }

    private static StartPrune prune(String migrationId) {
        return new StartPrune(UUID.randomUUID(), migrationId, Instant.now(), GOOD, List.of(), PruneMode.DRY_RUN, null);
    }
}
