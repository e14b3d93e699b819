package io.catalogmigration.common.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.UUID;

/** Events on {@link Topics#OUTCOME}: exactly one completed or failed event per run. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = PruneCompleted.class, name = "PruneCompleted"),
        @JsonSubTypes.Type(value = PruneFailed.class, name = "PruneFailed")})
public sealed interface OutcomeEvent extends MigrationEvent permits PruneCompleted, PruneFailed {

    /** The run this outcome closes (the id of the command that started it). */
    UUID runId();
}
