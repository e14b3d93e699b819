package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.StartCutover;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What the cutover refuses before touching anything: the values it would write into the application's settings. */
class CommandCheckTest {

    private static final PgEndpoint SOURCE = new PgEndpoint("catalog-db.internal", 5432, "postgres", "postgres", null, "env:SOURCE_PW");
    private static final PgEndpoint TARGET = new PgEndpoint("catalog.c1.eu-west-1.rds.amazonaws.com", 5432, "postgres",
            "alation_admin", null, "env:TARGET_PW");

    private static StartCutover start(List<String> databases, String user, String passwordRef, String sslmode) {
        return new StartCutover(UUID.randomUUID(), "m", Instant.now(), SOURCE, TARGET, databases, user, passwordRef,
                sslmode, "m");
    }

    @Test
    void aWellFormedStartHasNoProblem() {
        assertThat(CommandCheck.problems(start(List.of("rosemeta", "lineage"), "alation", "file:/run/secrets/app", null))).isEmpty();
        assertThat(CommandCheck.problems(start(List.of("rosemeta"), "alation", "file:/run/secrets/app", "verify-full"))).isEmpty();
    }

    @Test
    void anApplicationSslmodeOutsideLibpqsSetIsRefusedWithoutQuotingIt() {
        assertThat(CommandCheck.problems(start(List.of("rosemeta"), "alation", "file:/run/secrets/app",
                "disable\nrosemeta.host=evil")))
                .singleElement().asString().contains("applicationSslmode").contains("verify-full").doesNotContain("evil");
    }

    @Test
    void namesThatAreNotPostgresNamesAndPastedPasswordsAreRefusedWithoutQuotingThem() {
        var problems = CommandCheck.problems(start(List.of("rosemeta?sslmode=disable"), "alation&touch /tmp/PWNED",
                "env:Pasted-Pr0d-Secret", null));

        assertThat(problems).hasSize(3).noneMatch(p -> p.contains("sslmode=disable") || p.contains("PWNED") || p.contains("Pr0d"));
        assertThat(String.join("; ", problems)).contains("databases").contains("applicationUser").contains("applicationPasswordRef");
    }
}
