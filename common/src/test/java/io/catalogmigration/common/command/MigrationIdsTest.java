package io.catalogmigration.common.command;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationIdsTest {

    @Test
    void plainIdsAreMigrationIds() {
        for (String id : new String[]{"m", "rds-2025-06", "catalog.prod_2", "9lives", "a".repeat(100)}) {
            assertThat(MigrationIds.problem(id)).as(id).isEmpty();
        }
    }

    @Test
    void anythingElseIsNamedWithTheRule() {
        for (String id : new String[]{"no spaces please", "-leading", ".hidden", "a".repeat(101), "x;drop", "é"}) {
            assertThat(MigrationIds.problem(id)).as(id).hasValueSatisfying(p -> assertThat(p)
                    .contains("must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit"));
        }
        assertThat(MigrationIds.problem(null)).hasValueSatisfying(p -> assertThat(p).startsWith("migrationId is missing"));
        assertThat(MigrationIds.problem("")).hasValueSatisfying(p -> assertThat(p).startsWith("migrationId is missing"));
    }

    @Test
    void aHostileIdIsShownEscapedAndCutNeverAsGiven() {
        String forged = "m\n2026-12-03 INFO forged log line " + "x".repeat(5000);

        var problem = MigrationIds.problem(forged).orElseThrow();

        assertThat(problem).doesNotContain("\n").contains("'m\\u000a2026-12-03 INFO forged log line").contains("(cut; 5034 characters)")
                .hasSizeLessThan(300);
        assertThat(MigrationIds.problem("it's")).hasValueSatisfying(p -> assertThat(p).contains("'it\\u0027s'"));
    }
}
