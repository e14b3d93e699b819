package io.catalogmigration.common.kafka;

import java.time.Duration;
import java.util.Optional;

/** What a service's properties say of its work topic ({@link WorkTopic}). */
public interface WorkTopicSettings {

    /** Listener threads on the work topic in one instance. */
    int workers();

    /** Partitions of the work topic when it is created: the most listeners a group can keep busy. */
    int workPartitions();

    /** Records a batch listener is handed at once; record listeners take one work message a poll. */
    default int messagesPerPoll() {
        return 1;
    }

    /** The longest one work message may take, when that is longer than the consumers' usual poll interval. */
    default Optional<Duration> longestWorkMessage() {
        return Optional.empty();
    }
}
