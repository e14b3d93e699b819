package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.secret.SecretPolicy;
import io.catalogmigration.common.secret.SecretResolver;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * pg_dump and psql get what they need to run and this login's PG* variables, and nothing else the replicator holds:
 * a production host's environment has loose passwords and API keys a deny-list would miss.
 */
class PgClientsEnvironmentTest {

    /** The service's environment as a production host has it. */
    private static final Map<String, String> SERVICE = Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/replicator",
            "LANG", "C.UTF-8", "LC_ALL", "C.UTF-8", "DB_PW", "loose-password", "FOO_API_KEY", "api-key",
            "CONTROL_DB_PASSWORD", "ledger-password", "PGPASSFILE", "/home/replicator/.pgpass", "PGHOST", "elsewhere",
            "TARGET_PASSWORD", "target-password");

    @Test
    void aClientToolGetsTheAllowListAndItsLoginButNoOtherVariableOfTheService() {
        var secrets = new SecretResolver(SERVICE::get, () -> null,
                SecretPolicy.allowing(List.of("env:TARGET_PASSWORD"), List.of("target.internal"), false));
        var target = new PgEndpoint("target.internal", 5432, "rosemeta", "migrator", "verify-full", "env:TARGET_PASSWORD");

        Map<String, String> child = PgClients.environment(SERVICE, target, secrets);

        assertThat(child).containsEntry("PATH", "/usr/bin:/bin").containsEntry("HOME", "/home/replicator")
                .containsEntry("LC_ALL", "C.UTF-8")
                .containsEntry("PGHOST", "target.internal").containsEntry("PGPORT", "5432")
                .containsEntry("PGDATABASE", "rosemeta").containsEntry("PGUSER", "migrator")
                .containsEntry("PGSSLMODE", "verify-full").containsEntry("PGPASSWORD", "target-password")
                .containsKey("PGREQUIREAUTH")
                .doesNotContainKeys("DB_PW", "FOO_API_KEY", "CONTROL_DB_PASSWORD", "PGPASSFILE", "TARGET_PASSWORD");
        assertThat(child.values()).doesNotContain("loose-password", "api-key", "ledger-password", "elsewhere");
    }
}
