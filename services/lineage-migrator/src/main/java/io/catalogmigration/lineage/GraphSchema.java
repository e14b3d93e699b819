package io.catalogmigration.lineage;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.pg.PgConnector;
import org.postgresql.Driver;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import io.catalogmigration.common.secret.SecretResolver;
import org.flywaydb.core.Flyway;

import java.sql.Connection;
import java.sql.SQLException;

/** Creates the V3 graph tables in the lineage database if they are absent, with the service's own migrations. */
record GraphSchema(SecretResolver secrets) {

    static final String HISTORY = "lineage_migrator_schema_history";

    /**
     * Why {@link #ensure} could not create its tables on this connection's database, or null when it can: looked at
     * before anything is created, so a start that cannot finish leaves no half-made schema behind.
     */
    static String cannotCreate(Connection target) throws SQLException {
        try (var rs = target.createStatement().executeQuery("""
                select current_user, current_schema(), to_regclass('%s') is not null,
                       current_schema() is not null and has_schema_privilege(current_schema(), 'CREATE')""".formatted(HISTORY))) {
            rs.next();
            if (rs.getBoolean(3) || rs.getBoolean(4)) {
                return null;
            }
            return rs.getString(2) == null ? "the search_path of " + rs.getString(1) + " names no existing schema"
                    : rs.getString(1) + " may not create tables in schema " + rs.getString(2);
        }
    }

    void ensure(PgEndpoint target) {
        Flyway.configure()
                // Names, sslmode and password as driver properties: nothing in the command reaches a URL.
                .dataSource(new SimpleDriverDataSource(new Driver(), PgConnector.URL,
                        PgConnector.properties(target, secrets, "catalog-migration-lineage-schema")))
                .locations("classpath:db/lineage-graph")
                .table(HISTORY)
                // The lineage database may already hold V3 tables of the application: adopt them.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
