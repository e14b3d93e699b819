package io.catalogmigration.common.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;

/**
 * Commands on {@link Topics#CUTOVER_COMMAND} (runbook step 6): check that the target is ready, switch the application
 * to it with writes stopped for seconds, report or end the replication back to the source, switch back, or reset
 * everything for another attempt.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = RunPreflight.class, name = "RunPreflight"),
        @JsonSubTypes.Type(value = StartCutover.class, name = "StartCutover"),
        @JsonSubTypes.Type(value = RollBackCutover.class, name = "RollBackCutover"),
        @JsonSubTypes.Type(value = ResetCutover.class, name = "ResetCutover"),
        @JsonSubTypes.Type(value = FinishCutover.class, name = "FinishCutover"),
        @JsonSubTypes.Type(value = CheckFallback.class, name = "CheckFallback")})
public sealed interface CutoverCommand extends MigrationCommand
        permits RunPreflight, StartCutover, RollBackCutover, ResetCutover, FinishCutover, CheckFallback {

    /** An administrator of the source server, on its maintenance database (e.g. postgres). */
    PgEndpoint source();

    /** An administrator of the target server, on its maintenance database. */
    PgEndpoint target();

    /** The replicated databases, e.g. rosemeta and lineage (each has the same name on both servers). */
    List<String> databases();
}
