package io.catalogmigration.common.secret;

/** A secret reference could not be resolved. The message names the reference and the remedy, never a value. */
public class SecretUnavailableException extends RuntimeException {

    public SecretUnavailableException(String message) {
        super(message);
    }

    public SecretUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
