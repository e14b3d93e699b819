package io.catalogmigration.common.contract;

import io.catalogmigration.common.secret.SecretRef;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where a PostgreSQL database lives and how to log in, with the password only as a secret
 * reference ({@code env:NAME}, {@code file:/path}, {@code aws-secretsmanager:arn}). Without an sslmode the server's
 * certificate and name are verified ({@code verify-full}): a command cannot downgrade TLS by leaving it out.
 */
public record PgEndpoint(String host, int port, String database, String user, String sslmode, String passwordRef) {

    /** libpq's modes, the only ones accepted anywhere an sslmode is given. */
    public static final Set<String> SSL_MODES =
            Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    public static final String DEFAULT_SSLMODE = "verify-full";

    /** A DNS name (labels of letters, digits, '-' and '_' as container names use), an IPv4 or an IPv6 address. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\\.?"
            + "|[0-9A-Fa-f:.]{2,45}");
    /** A database or role name: PostgreSQL's identifier characters plus '-' and '.', at most 63 bytes. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_$.-]*");
    private static final int MAX_NAME_BYTES = 63;

    public PgEndpoint {
        if (sslmode == null || sslmode.isBlank()) {
            sslmode = DEFAULT_SSLMODE;
        }
    }

    /** Why this host name cannot be used, or null: it is passed to the driver and to libpq as is. */
    public static String hostProblem(String host) {
        if (host == null || host.isBlank()) return "host is missing";
        if (host.length() > 253 || !HOST.matcher(host).matches()) {
            return "host is not a DNS name or IP address (letters, digits, '.', '-', '_', ':'; at most 253 characters)";
        }
        return null;
    }

    /** Why this database or role name cannot be used, or null. */
    public static String nameProblem(String what, String name) {
        if (name == null || name.isBlank()) return what + " is missing";
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES || !NAME.matcher(name).matches()) {
            return what + " is not a PostgreSQL name this service accepts (letters, digits, '_', '$', '-', '.';"
                    + " at most " + MAX_NAME_BYTES + " bytes)";
        }
        return null;
    }

    /** Why this sslmode cannot be used, or null; null and blank mean {@value #DEFAULT_SSLMODE}. */
    public static String sslmodeProblem(String what, String sslmode) {
        if (sslmode == null || sslmode.isBlank() || SSL_MODES.contains(sslmode)) return null;
        return what + " is not one of " + SSL_MODES.stream().sorted().toList() + " (value not shown)";
    }

    public PgEndpoint withDatabase(String otherDatabase) {
        return new PgEndpoint(host, port, otherDatabase, user, sslmode, passwordRef);
    }

    /** Problems an operator must fix before this endpoint can be used; empty when it is usable. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        String hostProblem = hostProblem(host);
        if (hostProblem != null) problems.add("endpoint." + hostProblem);
        if (port < 1 || port > 65535) problems.add("endpoint.port " + port + " is not a TCP port (1-65535)");
        String databaseProblem = nameProblem("endpoint.database", database);
        if (databaseProblem != null) problems.add(databaseProblem);
        String userProblem = nameProblem("endpoint.user", user);
        if (userProblem != null) problems.add(userProblem);
        if (!SSL_MODES.contains(sslmode)) {
            problems.add(SSL_MODES.contains(sslmode.toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                    || sslmode.length() <= 16 && sslmode.matches("[A-Za-z_-]+")
                    ? "endpoint.sslmode '" + sslmode + "' is not one of " + SSL_MODES
                    : "endpoint.sslmode is not one of " + SSL_MODES + " (value not shown)");
        }
        if (passwordRef == null || passwordRef.isBlank()) {
            problems.add("endpoint.passwordRef is missing: give a secret reference such as env:PGPASSWORD or file:/run/secrets/pg");
        } else {
            SecretRef.problem(passwordRef).ifPresent(p -> problems.add("endpoint.passwordRef is " + p));
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
