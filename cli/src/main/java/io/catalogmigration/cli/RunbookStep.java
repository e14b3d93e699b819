package io.catalogmigration.cli;

import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

/** The runbook's steps, in order. The names are what {@code --skip} and {@code --from} take. */
enum RunbookStep {
    BACKUP("backup", "SourceBackedUp"),
    PRUNE("prune", "PruneCompleted"),
    SCAN("scan", "ScanCompleted"),
    LINEAGE("lineage", "LineageMigrated"),
    PROVISION("provision", "TargetProvisioned"),
    PREPARE("prepare", "SourcePrepared"),
    REPLICATE("replicate", "ReplicationStarted"),
    CATCH_UP("catch-up", "ReplicationStatusReported"),
    PREFLIGHT("preflight", "PreflightPassed"),
    CUTOVER("cutover", "CutoverCompleted"),
    SNAPSHOT("snapshot", "TargetSnapshotTaken");

    final String label;
    /** The outcome type that lets the runbook go on. */
    final String completed;

    RunbookStep(String label, String completed) {
        this.label = label;
        this.completed = completed;
    }

    /** Only the steps the later ones do not depend on can be left out (the safety steps only knowingly). */
    boolean skippable() {
        return this == BACKUP || this == PRUNE || this == SCAN || this == LINEAGE || this == SNAPSHOT;
    }

    static List<String> labels() {
        List<String> labels = new ArrayList<>();
        for (RunbookStep step : values()) labels.add(step.label);
        return labels;
    }

    @Override
    public String toString() {
        return label;
    }

    static final class Converter implements CommandLine.ITypeConverter<RunbookStep> {
        @Override
        public RunbookStep convert(String value) {
            for (RunbookStep step : values()) {
                if (step.label.equalsIgnoreCase(value.strip())) return step;
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a step: " + String.join(", ", labels()));
        }
    }
}
