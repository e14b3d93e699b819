package io.catalogmigration.common.kafka;

import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.contract.MigrationEvent;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/** CloudEvents Kafka binary-mode attributes, so any CloudEvents-aware consumer can route and read our messages. */
public final class CloudEventHeaders {

    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    public static final String CONTENT_TYPE = "content-type";

    static final String TYPE_PREFIX = "io.catalogmigration.";

    public static void apply(Headers headers, Object message, String source) {
        UUID id;
        Instant time;
        String subject;
        if (message instanceof MigrationEvent event) {
            id = event.eventId();
            time = event.occurredAt();
            subject = event.migrationId();
        } else if (message instanceof MigrationCommand command) {
            id = command.commandId();
            time = command.issuedAt();
            subject = command.migrationId();
        } else {
            id = UUID.randomUUID();
            time = Instant.now();
            subject = null;
        }
        put(headers, SPEC_VERSION, "1.0");
        put(headers, ID, String.valueOf(id));
        put(headers, TYPE, TYPE_PREFIX + message.getClass().getSimpleName());
        put(headers, SOURCE, "/catalog-migration/" + source);
        put(headers, TIME, String.valueOf(time));
        if (subject != null) {
            put(headers, SUBJECT, subject);
        }
        put(headers, CONTENT_TYPE, "application/json");
    }

    public static String read(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private CloudEventHeaders() {
    }
}
