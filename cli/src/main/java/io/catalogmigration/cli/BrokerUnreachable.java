package io.catalogmigration.cli;

/** Kafka could not be reached in time; the message says what to check. */
final class BrokerUnreachable extends RuntimeException {

    BrokerUnreachable(String bootstrapServers, java.time.Duration timeout, String what, Throwable cause) {
        super("Cannot " + what + " Kafka at " + bootstrapServers + " within " + Render.duration(timeout)
                + (cause == null || cause.getMessage() == null ? "" : " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")")
                + ". Check --bootstrap-servers (or KAFKA_BOOTSTRAP_SERVERS), that the brokers are up and that this"
                + " machine can reach them (firewall, VPN, advertised listeners); raise --broker-timeout on a slow link.");
    }
}
