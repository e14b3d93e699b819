package io.catalogmigration.common.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Commands on {@link Topics#PROVISION_COMMAND}: size the target (runbook step 3), create it (step 4), or remove
 * what this migration created, or take the first snapshot of the target after the cutover.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = PlanTarget.class, name = "PlanTarget"),
        @JsonSubTypes.Type(value = ProvisionTarget.class, name = "ProvisionTarget"),
        @JsonSubTypes.Type(value = DeprovisionTarget.class, name = "DeprovisionTarget"),
        @JsonSubTypes.Type(value = SnapshotTarget.class, name = "SnapshotTarget")})
public sealed interface ProvisionCommand extends MigrationCommand permits PlanTarget, ProvisionTarget, DeprovisionTarget,
        SnapshotTarget {

    /** Creates an RDS instance with the AWS SDK. */
    String AWS = "aws";
    /** Creates the target databases on a PostgreSQL server that stands in for RDS (local runs, tests). */
    String LOCAL = "local";
}
