package io.catalogmigration.cli;

import io.catalogmigration.common.contract.PgEndpoint;
import picocli.CommandLine.Option;

/**
 * The login the source replicates the application's writes back with after the switch, and where the source reaches
 * the target. Without {@code --fallback-user} the service uses the target's administrator (on RDS the master user, a
 * member of rds_replication).
 */
final class FallbackOptions {

    @Option(names = "--fallback-user", paramLabel = "ROLE",
            description = "login on the target the source replicates back with after the switch; created there if missing "
                    + "and given rds_replication (RDS) or REPLICATION (default: the target's administrator)")
    String user;

    @Option(names = "--fallback-password-ref", paramLabel = "REF", converter = SecretRef.Converter.class,
            description = "its password (required with --fallback-user): " + SecretRef.FORMS)
    String passwordRef;

    @Option(names = "--fallback-host", paramLabel = "HOST",
            description = "the target's host as the source server reaches it (default: the target's host)")
    String host;

    @Option(names = "--fallback-port", paramLabel = "PORT", description = "its port (default: the target's port)")
    Integer port;

    /**
     * @param target the target's administrator endpoint, whose host, port and sslmode are the defaults
     * @return null without --fallback-user
     * @throws IllegalArgumentException what is missing
     */
    PgEndpoint endpoint(PgEndpoint target) {
        if (user == null) {
            if (passwordRef != null || host != null || port != null) {
                throw new IllegalArgumentException("--fallback-password-ref, --fallback-host and --fallback-port need --fallback-user");
            }
            return null;
        }
        if (passwordRef == null) {
            throw new IllegalArgumentException("--fallback-user needs --fallback-password-ref");
        }
        return new PgEndpoint(host != null ? host : target.host(), port != null ? port : target.port(), "postgres", user,
                target.sslmode(), passwordRef);
    }
}
