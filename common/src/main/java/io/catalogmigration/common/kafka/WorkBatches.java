package io.catalogmigration.common.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.BatchListenerFailedException;

import java.util.ArrayList;
import java.util.List;

/**
 * The one way a batch listener (see {@link ListenerFactories#batchWork}) treats a poll: the readable records' values
 * are handed on, in order; a record that could not be read (null value: the deserializer's failure is in its
 * headers) ends the poll there. The records before it are handled first, then the batch fails at its index, not
 * retryably, so the error handler commits those and dead-letters just that one with its reason.
 */
public final class WorkBatches {

    /** The work done with a poll's readable values. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        void handle(List<T> values) throws E;
    }

    public static <T, E extends Exception> void handle(List<ConsumerRecord<String, T>> records, Class<T> type, Work<T, E> work)
            throws E {
        List<T> readable = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            T value = records.get(i).value();
            if (value == null) {
                if (!readable.isEmpty()) {
                    work.handle(readable);
                }
                throw new BatchListenerFailedException("unreadable " + type.getSimpleName() + " record",
                        new InvalidMessageException("message " + i + " of the poll could not be read as a "
                                + type.getSimpleName()), i);
            }
            readable.add(value);
        }
        work.handle(readable);
    }

    private WorkBatches() {
    }
}
