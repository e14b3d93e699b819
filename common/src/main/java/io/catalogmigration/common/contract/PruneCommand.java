package io.catalogmigration.common.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Commands on {@link Topics#PRUNE_COMMAND}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(value = StartPrune.class, name = "StartPrune"),
        @JsonSubTypes.Type(value = CancelPrune.class, name = "CancelPrune")})
public sealed interface PruneCommand extends MigrationCommand permits StartPrune, CancelPrune {
}
