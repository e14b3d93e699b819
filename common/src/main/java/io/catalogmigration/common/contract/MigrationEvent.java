package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/** Metadata every event carries; events are keyed by {@code migrationId} so one migration's events stay in order. */
public interface MigrationEvent {

    UUID eventId();

    String migrationId();

    Instant occurredAt();
}
