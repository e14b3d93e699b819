package io.catalogmigration.lineage;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.secret.SecretResolver;
import org.flywaydb.core.Flyway;

/** Creates the V3 graph tables in the lineage database if they are absent, with the service's own migrations. */
class GraphSchema {

    private final SecretResolver secrets;

    GraphSchema(SecretResolver secrets) {
        this.secrets = secrets;
    }

    void ensure(PgEndpoint target) {
        Flyway.configure()
                .dataSource(PgConnector.url(target) + "?sslmode=" + target.sslmode(), target.user(),
                        secrets.resolve(target.passwordRef()))
                .locations("classpath:db/lineage-graph")
                .table("lineage_migrator_schema_history")
                // The lineage database may already hold V3 tables of the application: adopt them.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
