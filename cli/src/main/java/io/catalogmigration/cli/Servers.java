package io.catalogmigration.cli;

import io.catalogmigration.common.contract.PgEndpoint;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** Option groups describing a PostgreSQL server: plain ({@code --host}), source ({@code --source-host}) and target. */
final class Servers {

    /** What every variant holds; the password only as a secret reference. */
    abstract static class Server {
        abstract String prefix();

        abstract String host();

        abstract int port();

        abstract String database();

        abstract String user();

        abstract String sslmode();

        abstract String passwordRef();

        boolean given() {
            return host() != null || user() != null || passwordRef() != null || database() != null;
        }

        PgEndpoint endpoint(CommandSpec spec, String defaultDatabase) {
            return build(spec, database() != null ? database() : defaultDatabase);
        }

        /** The endpoint on {@code database}; a usage error names every missing or invalid option. */
        PgEndpoint endpointOn(CommandSpec spec, String database) {
            return build(spec, database);
        }

        private PgEndpoint build(CommandSpec spec, String database) {
            List<String> missing = new ArrayList<>();
            if (host() == null) missing.add("--" + prefix() + "host");
            if (user() == null) missing.add("--" + prefix() + "user");
            if (passwordRef() == null) missing.add("--" + prefix() + "password-ref");
            if (!missing.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "Missing required option" + (missing.size() > 1 ? "s: " : ": ") + String.join(", ", missing));
            }
            var endpoint = new PgEndpoint(host(), port(), database, user(), sslmode(), passwordRef());
            var problems = endpoint.problems();
            if (!problems.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Invalid " + prefix().replace("-", " ")
                        + "server: " + String.join("; ", problems));
            }
            return endpoint;
        }
    }

    static final class Plain extends Server {
        @Option(names = "--host", paramLabel = "HOST", description = "PostgreSQL host, as the service reaches it")
        String host;
        @Option(names = "--port", paramLabel = "PORT", defaultValue = "5432", description = "TCP port (default: ${DEFAULT-VALUE})")
        int port;
        @Option(names = "--user", paramLabel = "ROLE", description = "role to log in as")
        String user;
        @Option(names = "--sslmode", paramLabel = "MODE", description = "disable|allow|prefer|require|verify-ca|verify-full (default: verify-full)")
        String sslmode;
        @Option(names = "--password-ref", paramLabel = "REF", converter = SecretRef.Converter.class,
                description = "where the service finds the password: " + SecretRef.FORMS)
        String passwordRef;

        String prefix() { return ""; }
        String host() { return host; }
        int port() { return port; }
        String database() { return null; }
        String user() { return user; }
        String sslmode() { return sslmode; }
        String passwordRef() { return passwordRef; }
    }

    /**
     * The source server without a database flag, for commands that name the database themselves (the replicated
     * database, or the maintenance database of an administrator).
     */
    static class SourceServer extends Server {
        @Option(names = "--source-host", paramLabel = "HOST", description = "source PostgreSQL host, as the service reaches it")
        String host;
        @Option(names = "--source-port", paramLabel = "PORT", defaultValue = "5432", description = "source TCP port (default: ${DEFAULT-VALUE})")
        int port;
        @Option(names = "--source-user", paramLabel = "ROLE", description = "source role to log in as")
        String user;
        @Option(names = "--source-sslmode", paramLabel = "MODE", description = "source sslmode (default: verify-full)")
        String sslmode;
        @Option(names = "--source-password-ref", paramLabel = "REF", converter = SecretRef.Converter.class,
                description = "source password reference: " + SecretRef.FORMS)
        String passwordRef;

        String prefix() { return "source-"; }
        String host() { return host; }
        int port() { return port; }
        String database() { return null; }
        String user() { return user; }
        String sslmode() { return sslmode; }
        String passwordRef() { return passwordRef; }
    }

    static final class Source extends SourceServer {
        @Option(names = "--source-database", paramLabel = "DB", description = "source database")
        String database;

        @Override
        String database() { return database; }
    }

    /** The target server without a database flag (see {@link SourceServer}). */
    static class TargetServer extends Server {
        @Option(names = "--target-host", paramLabel = "HOST", description = "target PostgreSQL host, as the service reaches it")
        String host;
        @Option(names = "--target-port", paramLabel = "PORT", defaultValue = "5432", description = "target TCP port (default: ${DEFAULT-VALUE})")
        int port;
        @Option(names = "--target-user", paramLabel = "ROLE", description = "target role to log in as")
        String user;
        @Option(names = "--target-sslmode", paramLabel = "MODE", description = "target sslmode (default: verify-full)")
        String sslmode;
        @Option(names = "--target-password-ref", paramLabel = "REF", converter = SecretRef.Converter.class,
                description = "target password reference: " + SecretRef.FORMS)
        String passwordRef;

        String prefix() { return "target-"; }
        String host() { return host; }
        int port() { return port; }
        String database() { return null; }
        String user() { return user; }
        String sslmode() { return sslmode; }
        String passwordRef() { return passwordRef; }
    }

    static final class Target extends TargetServer {
        @Option(names = "--target-database", paramLabel = "DB", description = "target database")
        String database;

        @Override
        String database() { return database; }
    }

    private Servers() {
    }
}
