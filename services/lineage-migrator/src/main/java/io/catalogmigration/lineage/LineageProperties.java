package io.catalogmigration.lineage;

import io.catalogmigration.common.kafka.WorkTopicSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * The lineage migrator's settings; names and defaults follow the lineage runbook.
 *
 * @param linksPerMessage     links per Kafka message (the runbook's 100)
 * @param consumers           work consumers in this instance: three, so two instances take the work topic's six
 *                            partitions one each, and on a small machine the cores stay busy while a consumer waits on
 *                            one of its databases (with two, the consumers' tail after the last message was 1.5-2.3 s
 *                            of a 2 M-link run's 8.8-9.3 s links job; with three, 0.7 s)
 * @param messagesPerPoll     messages a consumer persists in one transaction
 * @param pointerJobName      the pointer row's job name
 * @param sourceTable         the V2 link table in rosemeta
 * @param expectedLinksPerSecond used for the ETA announced before the first link moves
 * @param probeTimeout        how long the broker probe waits to read back its message
 * @param workMem             work_mem of the migrator's own sessions, so sorting and grouping links stays in memory
 * @param leaseTtl            how long a run's lease lasts unrenewed: after it, another instance takes a dead
 *                            publisher's (or validator's) run over
 * @param publishRetryFor     how long the publisher waits for a transient fault (database, broker) to pass before
 *                            the run fails
 * @param publishRetryInterval    the first wait after a transient fault; doubled each time
 * @param publishRetryMaxInterval the longest wait between two tries
 */
@ConfigurationProperties("lineage")
public record LineageProperties(
        @DefaultValue("100") int linksPerMessage,
        @DefaultValue("3") int consumers,
        @DefaultValue("6") int workPartitions,
        @DefaultValue("200") int messagesPerPoll,
        @DefaultValue("Lineage_V2_To_V3_Migration") String pointerJobName,
        @DefaultValue("object_lineage_link") String sourceTable,
        @DefaultValue("lineage_v3_enabled") String v3FlagName,
        @DefaultValue("100000") long expectedLinksPerSecond,
        @DefaultValue("15s") Duration probeTimeout,
        @DefaultValue("256MB") String workMem,
        @DefaultValue("30s") Duration leaseTtl,
        @DefaultValue("30m") Duration publishRetryFor,
        @DefaultValue("1s") Duration publishRetryInterval,
        @DefaultValue("30s") Duration publishRetryMaxInterval) implements WorkTopicSettings {

    public LineageProperties {
        if (linksPerMessage < 1 || linksPerMessage > 100) {
            throw new IllegalArgumentException("lineage.links-per-message must be 1-100, got " + linksPerMessage);
        }
        if (messagesPerPoll < 1) {
            throw new IllegalArgumentException("lineage.messages-per-poll must be positive, got " + messagesPerPoll);
        }
    }

    /** The work topic's listeners are the consumers that persist links. */
    @Override
    public int workers() {
        return consumers;
    }
}
