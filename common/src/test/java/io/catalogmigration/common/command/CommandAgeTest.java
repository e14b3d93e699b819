package io.catalogmigration.common.command;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.StartPrune;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandAgeTest {

    static final Instant NOW = Instant.parse("2026-11-21T06:00:00Z");
    final CommandAge age = new CommandAge(Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC));

    static StartPrune issuedAt(Instant issued) {
        return new StartPrune(UUID.randomUUID(), "m", issued, new PgEndpoint("h", 5432, "d", "u", "disable", "env:P"),
                List.of(), PruneMode.DRY_RUN, null);
    }

    @Test
    void aCommandIssuedWithinTheMaxAgeIsCarriedOut() {
        assertThat(age.refusal(issuedAt(NOW))).isEmpty();
        assertThat(age.refusal(issuedAt(NOW.minusSeconds(3599)))).isEmpty();
        assertThat(age.refusal(issuedAt(NOW.minus(Duration.ofHours(1))))).as("exactly the max age").isEmpty();
    }

    @Test
    void aCommandOlderThanTheMaxAgeIsRefusedNamingItsAgeTheLimitAndWhatToDo() {
        var refusal = age.refusal(issuedAt(NOW.minus(Duration.ofHours(2)).minusSeconds(5)));

        assertThat(refusal).hasValueSatisfying(r -> {
            assertThat(r.reason()).contains("StartPrune was issued at 2026-11-21T03:59:55Z", "2h 0m 5s ago",
                    "migration.commands.max-age (1h 0m 0s)", "nothing was changed");
            assertThat(r.action()).contains("send the command again", "new commandId", "fresh issuedAt");
        });
    }

    @Test
    void aCommandFromTheFarFutureIsRefusedAsAClockProblemButSmallSkewIsNot() {
        assertThat(age.refusal(issuedAt(NOW.plusSeconds(30)))).isEmpty();

        assertThat(age.refusal(issuedAt(NOW.plus(Duration.ofHours(3))))).hasValueSatisfying(r -> {
            assertThat(r.reason()).contains("3h 0m 0s in the future");
            assertThat(r.action()).contains("clock");
        });
    }

    @Test
    void aCommandWithoutIssuedAtCannotBeDatedAndIsRefused() {
        assertThat(age.refusal(issuedAt(null))).hasValueSatisfying(r -> assertThat(r.reason()).contains("has no issuedAt"));
    }

    @Test
    void theMaxAgeMustBePositive() {
        assertThatThrownBy(() -> new CommandAge(Duration.ZERO, Clock.systemUTC())).hasMessageContaining("max-age");
    }

    @Test
    void agesAreWrittenForPeople() {
        assertThat(CommandAge.describe(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(CommandAge.describe(Duration.ofSeconds(45 * 60 + 10))).isEqualTo("45m 10s");
    }
}
