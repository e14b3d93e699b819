package io.catalogmigration.common.command;

import io.catalogmigration.common.contract.MigrationCommand;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Refuses commands older than {@code migration.commands.max-age} (default 1 h), read from their {@code issuedAt}. A
 * command topic keeps its records for days: a new consumer group, or a service started on a fresh control database,
 * reads them all again from the beginning, and without this rule an old StartCutover or ResetReplication would be
 * carried out as if the operator had just sent it. A command issued further in the future than the same age is
 * refused too (a clock that far off cannot date anything), and so is one without {@code issuedAt}.
 *
 * <p>Every service applies it where a command arrives from its topic, after the ledger admitted it (so a redelivery
 * of a refused command stays refused once) and before anything is done; runs resumed after a restart were admitted
 * in time and are not dated again.
 */
public final class CommandAge {

    /** Why a command was refused and what to do, for the service's {@code *Failed} outcome. */
    public record Refusal(String reason, String action) {
    }

    private static final String SEND_AGAIN = "if you still mean it, send the command again now, with a new commandId "
            + "and a fresh issuedAt";

    private final Duration maxAge;
    private final Clock clock;

    public CommandAge(Duration maxAge, Clock clock) {
        if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("migration.commands.max-age must be positive, got " + maxAge);
        }
        this.maxAge = maxAge;
        this.clock = clock;
    }

    public Duration maxAge() {
        return maxAge;
    }

    /** Empty when the command may be carried out; otherwise the refusal to report. */
    public Optional<Refusal> refusal(MigrationCommand command) {
        String type = command.getClass().getSimpleName();
        Instant issued = command.issuedAt();
        if (issued == null) {
            return Optional.of(new Refusal(type + " has no issuedAt, so its age cannot be told: commands older than "
                    + describe(maxAge) + " (migration.commands.max-age) are not carried out", SEND_AGAIN));
        }
        Instant now = clock.instant();
        Duration age = Duration.between(issued, now);
        if (age.compareTo(maxAge) > 0) {
            return Optional.of(new Refusal(type + " was issued at " + issued + ", " + describe(age) + " ago, more than "
                    + "migration.commands.max-age (" + describe(maxAge) + "): an old command (a replay of the topic by "
                    + "a new consumer group, or one that waited while the service was down) is not carried out; nothing "
                    + "was changed", SEND_AGAIN));
        }
        if (age.negated().compareTo(maxAge) > 0) {
            return Optional.of(new Refusal(type + " says it was issued at " + issued + ", " + describe(age.negated())
                    + " in the future: a clock this far off cannot date a command (migration.commands.max-age is "
                    + describe(maxAge) + "); nothing was changed", "check the clock of the host that sent it, then "
                    + "send the command again with a new commandId"));
        }
        return Optional.empty();
    }

    /** 2h 0m 5s, 45m 10s, 30s: enough to compare with the limit at a glance. */
    static String describe(Duration duration) {
        long seconds = duration.toSeconds();
        long hours = seconds / 3600;
        long minutes = seconds % 3600 / 60;
        long rest = seconds % 60;
        if (hours > 0) {
            return hours + "h " + minutes + "m " + rest + "s";
        }
        return minutes > 0 ? minutes + "m " + rest + "s" : rest + "s";
    }
}
