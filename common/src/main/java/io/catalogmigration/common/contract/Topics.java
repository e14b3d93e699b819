package io.catalogmigration.common.contract;

/** Every topic name in one place. Work topics are internal to their service but named here so docs and tools agree. */
public final class Topics {

    public static final String PRUNE_COMMAND = "migration.prune.command";
    public static final String SCAN_COMMAND = "migration.scan.command";
    public static final String PROVISION_COMMAND = "migration.provision.command";
    public static final String REPLICATE_COMMAND = "migration.replicate.command";
    public static final String CUTOVER_COMMAND = "migration.cutover.command";
    public static final String LINEAGE_COMMAND = "migration.lineage.command";

    public static final String PROGRESS = "migration.progress";
    public static final String OUTCOME = "migration.outcome";

    public static final String PRUNE_WORK = "migration.prune.work";
    public static final String LINEAGE_WORK = "migration.lineage.work";
    public static final String SCAN_WORK = "migration.scan.work";
    public static final String REPLICATE_WORK = "migration.replicate.work";

    /** Spring Kafka's default dead-letter naming ({@code DeadLetterPublishingRecoverer}). */
    public static String deadLetter(String topic) {
        return topic + ".DLT";
    }

    private Topics() {
    }
}
