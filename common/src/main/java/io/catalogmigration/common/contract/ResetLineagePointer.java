package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/** Set the migration pointer back to 0 so a failed migration can be run again from the start. */
public record ResetLineagePointer(UUID commandId, String migrationId, Instant issuedAt) implements LineageCommand {
}
