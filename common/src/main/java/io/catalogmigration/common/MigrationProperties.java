package io.catalogmigration.common;

import io.catalogmigration.common.secret.SecretPolicy;
import io.catalogmigration.common.throttle.ConsumerThrottlingProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * The runtime every service shares ({@code migration.*}), in one place with its defaults; each service's own settings
 * are its own record ({@code prune.*}, {@code replicator.*}, ...).
 *
 * @param retry               how a listener retries a message that failed with a fault that may pass
 * @param progress            how often progress events go out
 * @param health              the broker's readiness check
 * @param pools               connection pools of the services that keep them (scan, lineage)
 * @param outbox              the outcome outbox and its relay
 * @param commands            which commands are still carried out
 * @param activeInstance      the lock of the services that run commands on one instance at a time
 * @param topics              the shared event topics, as created by a service that finds them missing
 * @param consumerThrottling  the lineage runbook's event-bus throttling, the same in every service
 * @param secrets             which secret references a service resolves, for which servers
 */
@ConfigurationProperties("migration")
public record MigrationProperties(
        @DefaultValue Retry retry,
        @DefaultValue Progress progress,
        @DefaultValue Health health,
        @DefaultValue Pools pools,
        @DefaultValue Outbox outbox,
        @DefaultValue Commands commands,
        @DefaultValue ActiveInstance activeInstance,
        @DefaultValue Topics topics,
        @DefaultValue @NestedConfigurationProperty ConsumerThrottlingProperties consumerThrottling,
        @DefaultValue @NestedConfigurationProperty SecretPolicy secrets) {

    /**
     * @param initialIntervalMs first back-off before a retry, doubled each time
     * @param maxAttempts       deliveries before the record goes to the dead-letter topic
     */
    public record Retry(@DefaultValue("500") long initialIntervalMs, @DefaultValue("4") int maxAttempts) {
        public Retry {
            if (initialIntervalMs < 1 || maxAttempts < 1) {
                throw new IllegalArgumentException("migration.retry: initial-interval-ms and max-attempts must be at least 1");
            }
        }
    }

    /** @param minInterval the least time between two progress events of one run and phase (the last always goes) */
    public record Progress(@DefaultValue("1s") Duration minInterval) {
    }

    /** @param brokerTimeout how long readiness waits for the broker to answer */
    public record Health(@DefaultValue("3s") Duration brokerTimeout) {
    }

    /** @param maximumSize connections per server and service */
    public record Pools(@DefaultValue("4") int maximumSize) {
        public Pools {
            if (maximumSize < 1) {
                throw new IllegalArgumentException("migration.pools.maximum-size must be at least 1, got " + maximumSize);
            }
        }
    }

    /**
     * @param pollInterval  how often the relay looks for outcomes not yet published
     * @param clockSkew     how far before its record an outcome's send may appear on the topic (clocks of two hosts)
     * @param searchTimeout how long the relay reads the outcome topic for a send whose acknowledgement was lost
     * @param await         how long a run waits for its outcome's acknowledgement before leaving it to the relay
     */
    public record Outbox(@DefaultValue("1s") Duration pollInterval, @DefaultValue("5m") Duration clockSkew,
                         @DefaultValue("30s") Duration searchTimeout, @DefaultValue("30s") Duration await) {
    }

    /** @param maxAge commands older than this (by issuedAt) are refused, so that a replayed topic starts nothing */
    public record Commands(@DefaultValue("1h") Duration maxAge) {
    }

    /** @param pollInterval how often a standby instance tries to take the lock */
    public record ActiveInstance(@DefaultValue("5s") Duration pollInterval) {
    }

    /** @param eventPartitions partitions of migration.progress and migration.outcome */
    public record Topics(@DefaultValue("6") int eventPartitions) {
    }
}
