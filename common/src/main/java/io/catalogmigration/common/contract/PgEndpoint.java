package io.catalogmigration.common.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where a PostgreSQL database lives and how to log in, with the password only as a secret
 * reference ({@code env:NAME}, {@code file:/path}, {@code aws-secretsmanager:arn}).
 */
public record PgEndpoint(String host, int port, String database, String user, String sslmode, String passwordRef) {

    private static final Set<String> SSL_MODES =
            Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    public PgEndpoint {
        if (sslmode == null || sslmode.isBlank()) {
            sslmode = "prefer";
        }
    }

    public PgEndpoint withDatabase(String otherDatabase) {
        return new PgEndpoint(host, port, otherDatabase, user, sslmode, passwordRef);
    }

    /** Problems an operator must fix before this endpoint can be used; empty when it is usable. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (host == null || host.isBlank()) problems.add("endpoint.host is missing");
        if (port < 1 || port > 65535) problems.add("endpoint.port " + port + " is not a TCP port (1-65535)");
        if (database == null || database.isBlank()) problems.add("endpoint.database is missing");
        if (user == null || user.isBlank()) problems.add("endpoint.user is missing");
        if (!SSL_MODES.contains(sslmode)) problems.add("endpoint.sslmode '" + sslmode + "' is not one of " + SSL_MODES);
        if (passwordRef == null || passwordRef.isBlank()) {
            problems.add("endpoint.passwordRef is missing: give a secret reference such as env:PGPASSWORD or file:/run/secrets/pg");
        }
        return problems;
    }

    /** Safe for logs and events: no secret, not even its reference. */
    public String describe() {
        return user + "@" + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return describe();
    }
}
