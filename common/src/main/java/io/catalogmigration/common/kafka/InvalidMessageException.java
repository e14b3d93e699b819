package io.catalogmigration.common.kafka;

/** A message that can never succeed however often it is retried: straight to the dead-letter topic. */
public class InvalidMessageException extends RuntimeException {

    public InvalidMessageException(String message) {
        super(message);
    }
}
