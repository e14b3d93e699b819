package io.catalogmigration.replicator;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Settings of the replicator (the service itself lands with its issue). */
@ConfigurationProperties("replicator")
public record ReplicatorProperties(
        @DefaultValue("2") int indexWorkers,
        @DefaultValue("100") int itemsPerMessage) {
}
