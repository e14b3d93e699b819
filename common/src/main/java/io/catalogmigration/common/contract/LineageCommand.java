package io.catalogmigration.common.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Commands on {@link Topics#LINEAGE_COMMAND}: the runbook's START, RESET_POINTER and VALIDATE. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = StartLineageMigration.class, name = "StartLineageMigration"),
        @JsonSubTypes.Type(value = ResetLineagePointer.class, name = "ResetLineagePointer"),
        @JsonSubTypes.Type(value = ValidateLineage.class, name = "ValidateLineage")})
public sealed interface LineageCommand extends MigrationCommand
        permits StartLineageMigration, ResetLineagePointer, ValidateLineage {
}
