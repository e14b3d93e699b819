package io.catalogmigration.cli;

/** Kafka could not be reached in time; the message says what to check. */
final class BrokerUnreachable extends RuntimeException {

    BrokerUnreachable(String bootstrapServers, java.time.Duration timeout, String what, Throwable cause) {
        super("Cannot " + what + " Kafka at " + bootstrapServers + " within " + Render.duration(timeout)
                + (cause == null || cause.getMessage() == null ? "" : " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")")
                + (refused(cause)
                ? ". The brokers refused this client: check the credentials and security settings in --command-config"
                        + " (security.protocol, sasl.mechanism, sasl.jaas.config) and that the user may read and write the"
                        + " migration topics."
                : ". Check --bootstrap-servers (or KAFKA_BOOTSTRAP_SERVERS), that the brokers are up and that this"
                        + " machine can reach them (firewall, VPN, advertised listeners); raise --broker-timeout on a slow link."));
    }

    /** Authentication or authorization failed: the brokers answered, so the address is not what to check. */
    private static boolean refused(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.AuthenticationException
                    || t instanceof org.apache.kafka.common.errors.AuthorizationException) {
                return true;
            }
        }
        return false;
    }
}
