package io.catalogmigration.cutover.switching;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The connection settings the application gets for each database: a password only as a secret reference.
 * Flattened as {@code <database>.<key>} with keys host, port, database, user, sslmode, password-ref, jdbc-url.
 */
public record ConnectionSettings(SortedMap<String, Database> databases) {

    public record Database(String host, int port, String database, String user, String sslmode, String passwordRef) {

        /** The database is percent-encoded (pgjdbc decodes it): a name such as {@code x?sslmode=disable} stays a name. */
        String jdbcUrl() {
            String host = this.host.contains(":") ? "[" + this.host + "]" : this.host;
            return "jdbc:postgresql://" + host + ":" + port + "/"
                    + java.net.URLEncoder.encode(database, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")
                    + "?sslmode=" + java.net.URLEncoder.encode(sslmode, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    public ConnectionSettings {
        databases = new TreeMap<>(databases);
    }

    public static ConnectionSettings of(Map<String, Database> databases) {
        return new ConnectionSettings(new TreeMap<>(databases));
    }

    /** {@code rosemeta.host=...}, in a stable order. */
    public Map<String, String> flatten() {
        Map<String, String> flat = new LinkedHashMap<>();
        databases.forEach((name, db) -> {
            flat.put(name + ".host", db.host());
            flat.put(name + ".port", Integer.toString(db.port()));
            flat.put(name + ".database", db.database());
            flat.put(name + ".user", db.user());
            flat.put(name + ".sslmode", db.sslmode());
            flat.put(name + ".password-ref", db.passwordRef());
            flat.put(name + ".jdbc-url", db.jdbcUrl());
        });
        return flat;
    }

    static final java.util.List<String> KEYS = java.util.List.of("host", "port", "database", "user", "sslmode",
            "password-ref", "jdbc-url");
}
