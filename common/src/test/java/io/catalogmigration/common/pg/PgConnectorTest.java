package io.catalogmigration.common.pg;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.secret.SecretPolicy;
import io.catalogmigration.common.secret.SecretResolver;
import io.catalogmigration.common.secret.SecretUnavailableException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a login to a command's endpoint hands the driver and the client tools: checked names as properties, no URL. */
class PgConnectorTest {

    private static final Map<String, String> ENVIRONMENT = Map.of("SOURCE_PASSWORD", "s0urce-pa55", "LEGACY_PASSWORD", "l3gacy");

    private final SecretResolver secrets = new SecretResolver(ENVIRONMENT::get, () -> null, new SecretPolicy(List.of(
            new SecretPolicy.Rule(List.of("env:SOURCE_PASSWORD"), List.of("catalog-db.internal"), false),
            new SecretPolicy.Rule(List.of("env:LEGACY_PASSWORD"), List.of("legacy-db.internal"), true)), null));

    @Test
    void theLoginIsAllPropertiesAndTheUrlCarriesNothing() {
        var props = PgConnector.properties(new PgEndpoint("catalog-db.internal", 6432, "rosemeta", "alation", null,
                "env:SOURCE_PASSWORD"), secrets, "test");

        assertThat(PgConnector.URL).isEqualTo("jdbc:postgresql://");
        assertThat(props).containsEntry("PGHOST", "catalog-db.internal").containsEntry("PGPORT", "6432")
                .containsEntry("PGDBNAME", "rosemeta").containsEntry("user", "alation")
                .containsEntry("sslmode", "verify-full").containsEntry("password", "s0urce-pa55");
    }

    @Test
    void clearTextAndMd5AuthenticationAreRefusedUnlessTheRuleAllowsThem() {
        var strict = PgConnector.properties(new PgEndpoint("catalog-db.internal", 5432, "rosemeta", "alation", null,
                "env:SOURCE_PASSWORD"), secrets, "test");
        var legacy = PgConnector.properties(new PgEndpoint("legacy-db.internal", 5432, "rosemeta", "alation", null,
                "env:LEGACY_PASSWORD"), secrets, "test");

        assertThat(strict).containsEntry("requireAuth", "!password,!md5");
        assertThat(legacy).doesNotContainKey("requireAuth");
    }

    @Test
    void aDatabaseNameCarryingUrlParametersIsRefusedBeforeTheSecretIsRead() {
        var sneaky = new PgEndpoint("catalog-db.internal", 5432, "rosemeta?sslmode=disable", "alation", "verify-full",
                "env:SOURCE_PASSWORD");

        assertThatThrownBy(() -> PgConnector.properties(sneaky, secrets, "test"))
                .isInstanceOf(SecretUnavailableException.class)
                .hasMessageContaining("database")
                .hasMessageNotContaining("sslmode=disable");
    }

    @Test
    void clientToolsGetTheLoginAsPgVariablesOnlyAndNoneOfTheServicesOwn() {
        Map<String, String> environment = new HashMap<>(Map.of("PGPASSFILE", "/root/.pgpass", "PGSERVICE", "prod", "PATH", "/bin"));

        LibpqEnvironment.apply(environment, new PgEndpoint("catalog-db.internal", 6432, "rosemeta", "alation", "require",
                "env:SOURCE_PASSWORD"), secrets, "test");

        assertThat(environment).containsEntry("PGHOST", "catalog-db.internal").containsEntry("PGPORT", "6432")
                .containsEntry("PGDATABASE", "rosemeta").containsEntry("PGUSER", "alation")
                .containsEntry("PGSSLMODE", "require").containsEntry("PGPASSWORD", "s0urce-pa55")
                .containsEntry("PGREQUIREAUTH", "!password,!md5").containsEntry("PATH", "/bin")
                .doesNotContainKeys("PGPASSFILE", "PGSERVICE");
    }
}
