package io.catalogmigration.lineage;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Settings of the lineage migrator (the service itself lands with its issue). */
@ConfigurationProperties("lineage")
public record LineageProperties(
        @DefaultValue("100") int linksPerMessage,
        @DefaultValue("Lineage_V2_To_V3_Migration") String pointerJobName) {
}
