package io.catalogmigration.scan;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Settings of the scan service (the service itself lands with its issue). */
@ConfigurationProperties("scan")
public record ScanProperties(
        @DefaultValue("2") int parallelism,
        @DefaultValue("100") int itemsPerMessage) {
}
