package io.catalogmigration.common.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.UUID;

/** Events on {@link Topics#OUTCOME}: exactly one completed or failed event per run. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = PruneCompleted.class, name = "PruneCompleted"),
        @JsonSubTypes.Type(value = PruneFailed.class, name = "PruneFailed"),
        @JsonSubTypes.Type(value = LineageMigrated.class, name = "LineageMigrated"),
        @JsonSubTypes.Type(value = LineageMigrationFailed.class, name = "LineageMigrationFailed"),
        @JsonSubTypes.Type(value = LineagePointerReset.class, name = "LineagePointerReset"),
        @JsonSubTypes.Type(value = LineageValidated.class, name = "LineageValidated"),
        @JsonSubTypes.Type(value = TargetPlanned.class, name = "TargetPlanned"),
        @JsonSubTypes.Type(value = TargetProvisioned.class, name = "TargetProvisioned"),
        @JsonSubTypes.Type(value = ProvisionFailed.class, name = "ProvisionFailed"),
        @JsonSubTypes.Type(value = TargetDeprovisioned.class, name = "TargetDeprovisioned"),
        @JsonSubTypes.Type(value = TargetSnapshotTaken.class, name = "TargetSnapshotTaken"),
        @JsonSubTypes.Type(value = ScanCompleted.class, name = "ScanCompleted"),
        @JsonSubTypes.Type(value = ScanFailed.class, name = "ScanFailed"),
        @JsonSubTypes.Type(value = SourceBackedUp.class, name = "SourceBackedUp"),
        @JsonSubTypes.Type(value = SourcePrepared.class, name = "SourcePrepared"),
        @JsonSubTypes.Type(value = ReplicationStarted.class, name = "ReplicationStarted"),
        @JsonSubTypes.Type(value = ReplicationStatusReported.class, name = "ReplicationStatusReported"),
        @JsonSubTypes.Type(value = ReplicationReset.class, name = "ReplicationReset"),
        @JsonSubTypes.Type(value = ReplicationFailed.class, name = "ReplicationFailed"),
        @JsonSubTypes.Type(value = PreflightPassed.class, name = "PreflightPassed"),
        @JsonSubTypes.Type(value = CutoverCompleted.class, name = "CutoverCompleted"),
        @JsonSubTypes.Type(value = CutoverFailed.class, name = "CutoverFailed"),
        @JsonSubTypes.Type(value = CutoverRolledBack.class, name = "CutoverRolledBack"),
        @JsonSubTypes.Type(value = CutoverReset.class, name = "CutoverReset"),
        @JsonSubTypes.Type(value = CutoverFinished.class, name = "CutoverFinished"),
        @JsonSubTypes.Type(value = FallbackReported.class, name = "FallbackReported"),
        @JsonSubTypes.Type(value = RunCancelled.class, name = "RunCancelled")})
public sealed interface OutcomeEvent extends MigrationEvent permits PruneCompleted, PruneFailed,
        LineageMigrated, LineageMigrationFailed, LineagePointerReset, LineageValidated,
        TargetPlanned, TargetProvisioned, ProvisionFailed, TargetDeprovisioned, TargetSnapshotTaken, ScanCompleted, ScanFailed,
        SourceBackedUp, SourcePrepared, ReplicationStarted, ReplicationStatusReported, ReplicationReset, ReplicationFailed,
        PreflightPassed, CutoverCompleted, CutoverFailed, CutoverRolledBack, CutoverReset, CutoverFinished, FallbackReported,
        RunCancelled {

    /** The run this outcome closes (the id of the command that started it). */
    UUID runId();
}
