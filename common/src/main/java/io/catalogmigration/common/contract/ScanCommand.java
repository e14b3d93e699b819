package io.catalogmigration.common.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Commands on {@link Topics#SCAN_COMMAND}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(value = StartScan.class, name = "StartScan"),
        @JsonSubTypes.Type(value = CancelScan.class, name = "CancelScan")})
public sealed interface ScanCommand extends MigrationCommand permits StartScan, CancelScan {
}
