package io.catalogmigration.common.kafka;

import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.contract.MigrationEvent;
import io.catalogmigration.common.logging.RunContext;
import io.catalogmigration.common.logging.RunScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.RecordInterceptor;

import java.util.Objects;
import java.util.UUID;

/**
 * Sets the logging context ({@link RunContext}) to the run a record belongs to while the listener handles it, and
 * clears it afterwards: a command opens the run with its own id; a work message names its run
 * ({@link RunScoped}); failing both, the key says it (commands and events are keyed by migration id, work messages by
 * {@code <runId>/<seq>}), which also covers a record that could not be read. For a batch, the ids every record shares.
 */
public final class RunContextInterceptor<K, V> implements RecordInterceptor<K, V>, BatchInterceptor<K, V> {

    /** The ids of one record; either may be null. */
    public record Ids(String migrationId, UUID runId) {
        public RunContext.Scope open() {
            return RunContext.open(migrationId, runId);
        }
    }

    @Override
    public ConsumerRecord<K, V> intercept(ConsumerRecord<K, V> record, Consumer<K, V> consumer) {
        // Cleared in afterRecord: the listener runs between the two calls.
        ids(record).open();
        return record;
    }

    @Override
    public void afterRecord(ConsumerRecord<K, V> record, Consumer<K, V> consumer) {
        RunContext.clear();
    }

    @Override
    public ConsumerRecords<K, V> intercept(ConsumerRecords<K, V> records, Consumer<K, V> consumer) {
        Ids shared = new Ids(null, null);
        boolean first = true;
        for (ConsumerRecord<K, V> record : records) {
            Ids ids = ids(record);
            shared = first ? ids : new Ids(Objects.equals(shared.migrationId(), ids.migrationId()) ? ids.migrationId() : null,
                    Objects.equals(shared.runId(), ids.runId()) ? ids.runId() : null);
            first = false;
        }
        shared.open();
        return records;
    }

    @Override
    public void success(ConsumerRecords<K, V> records, Consumer<K, V> consumer) {
        RunContext.clear();
    }

    @Override
    public void failure(ConsumerRecords<K, V> records, Exception exception, Consumer<K, V> consumer) {
        RunContext.clear();
    }

    @Override
    public void clearThreadState(Consumer<?, ?> consumer) {
        RunContext.clear();
    }

    /** What a record says of its run. */
    public static Ids ids(ConsumerRecord<?, ?> record) {
        Object value = record.value();
        if (value instanceof MigrationCommand command) {
            return new Ids(command.migrationId(), command.commandId());
        }
        if (value instanceof RunScoped work) {
            return new Ids(work.migrationId(), work.runId());
        }
        String key = record.key() instanceof String s ? s : null;
        if (value instanceof MigrationEvent event) {
            return new Ids(event.migrationId(), null);
        }
        if (key == null || key.isBlank()) {
            return new Ids(null, null);
        }
        int slash = key.indexOf('/');
        if (slash > 0) {
            try {
                return new Ids(null, UUID.fromString(key.substring(0, slash)));
            } catch (IllegalArgumentException notARun) {
                // a migration id with a slash in it
            }
        }
        return new Ids(key, null);
    }
}
