package io.catalogmigration.common.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.catalogmigration.common.logging.ErrorText;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The one error handler: infrastructure faults are retried with back-off, then dead-lettered; messages that can
 * never succeed (unreadable JSON, unknown type, invalid content) are dead-lettered at once.
 */
public final class ErrorHandling {

    /**
     * Why a record was dead-lettered, in one line: the root cause's class and message, without the server's row values
     * ({@code Detail:}) or context, without control characters, at most {@link ErrorText#MAX_LENGTH} characters.
     */
    public static final String REASON_HEADER = "migration-dlt-reason";

    private static final Logger log = LoggerFactory.getLogger(ErrorHandling.class);

    public static DefaultErrorHandler errorHandler(KafkaOperations<Object, Object> deadLetterTemplate,
                                                   long initialIntervalMs, int maxAttempts) {
        var recoverer = new DeadLetterPublishingRecoverer(deadLetterTemplate,
                (record, exception) -> new TopicPartition(record.topic() + ".DLT", record.partition()));
        // Stack traces can quote SQL and driver text; the reason (class and message) is enough for an operator.
        recoverer.excludeHeader(DeadLetterPublishingRecoverer.HeaderNames.HeadersToAdd.EX_STACKTRACE);
        // Spring's message header is the exception's raw text (a server's Detail: line with row values, any length,
        // newlines): it is written here, cleaned, instead.
        recoverer.excludeHeader(DeadLetterPublishingRecoverer.HeaderNames.HeadersToAdd.EX_MSG);
        // Spring's own message for an unreadable record only says "failed to deserialize": the reason adds the cause.
        recoverer.addHeadersFunction((record, exception) -> new RecordHeaders(List.of(
                new RecordHeader(KafkaHeaders.DLT_EXCEPTION_MESSAGE, ErrorText.message(unwrapped(exception)).getBytes(StandardCharsets.UTF_8)),
                new RecordHeader(REASON_HEADER, rootMessage(exception).getBytes(StandardCharsets.UTF_8)))));
        var backOff = new ExponentialBackOff(initialIntervalMs, 2.0);
        backOff.setMaxAttempts(Math.max(0, maxAttempts - 1));
        var handler = new DefaultErrorHandler((ConsumerRecord<?, ?> record, Exception exception) -> {
            // The listener's logging context is gone by now: name the record's run again for this line.
            try (var context = RunContextInterceptor.ids(record).open()) {
                log.error("Giving up on {}-{}@{}: {}. The record is in {}.DLT with the reason in its headers; "
                                + "fix the cause, then republish it to {} if it still applies.",
                        record.topic(), record.partition(), record.offset(), rootMessage(exception), record.topic(), record.topic());
            }
            recoverer.accept(record, exception);
        }, backOff);
        handler.addNotRetryableExceptions(InvalidMessageException.class);
        return handler;
    }

    /** The listener's own exception, not the container's wrapper around it. */
    private static Throwable unwrapped(Exception exception) {
        return exception instanceof org.springframework.kafka.listener.ListenerExecutionFailedException && exception.getCause() != null
                ? exception.getCause() : exception;
    }

    static String rootMessage(Throwable t) {
        return ErrorText.rootCause(t);
    }

    private ErrorHandling() {
    }
}
