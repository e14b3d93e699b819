package io.catalogmigration.cutover;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Settings of the cutover service (the service itself lands with its issue). */
@ConfigurationProperties("cutover")
public record CutoverProperties(
        @DefaultValue("false") boolean requireConfirmation,
        @DefaultValue("104857600") long hashTablesUnderBytes) {
}
