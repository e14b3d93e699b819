package io.catalogmigration.scan;

import io.catalogmigration.common.kafka.WorkTopicSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The scan service's settings.
 *
 * @param parallelism     work messages a scan is spread over at least, when the command does not say
 * @param itemsPerMessage work items (tables or block ranges) per work message, at most 100
 * @param splitSize       tables larger than this (heap plus TOAST) are split into block ranges of about this size
 * @param workers         consumers of the work topic in this instance
 * @param workPartitions  partitions of the work topic (work messages are spread evenly over them)
 */
@ConfigurationProperties("scan")
public record ScanProperties(
        @DefaultValue("2") int parallelism,
        @DefaultValue("100") int itemsPerMessage,
        @DefaultValue("64MB") DataSize splitSize,
        @DefaultValue("2") int workers,
        @DefaultValue("6") int workPartitions) implements WorkTopicSettings {

    static final int MAX_PARALLELISM = 256;

    public ScanProperties {
        if (itemsPerMessage < 1 || itemsPerMessage > 100) {
            throw new IllegalArgumentException("scan.items-per-message must be 1-100, got " + itemsPerMessage);
        }
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("scan.parallelism must be 1-" + MAX_PARALLELISM + ", got " + parallelism);
        }
        if (splitSize.toBytes() < 8192) {
            throw new IllegalArgumentException("scan.split-size must be at least one 8 kB block, got " + splitSize);
        }
    }
}
