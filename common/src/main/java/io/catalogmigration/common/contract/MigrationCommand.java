package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/** Metadata every command carries. {@code commandId} makes redelivery harmless. */
public interface MigrationCommand {

    UUID commandId();

    String migrationId();

    Instant issuedAt();
}
