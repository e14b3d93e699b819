package io.catalogmigration.common.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Events on {@link Topics#PROGRESS}: many, small, for dashboards. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(value = ProgressReported.class, name = "ProgressReported")})
public sealed interface ProgressEvent extends MigrationEvent permits ProgressReported {
}
