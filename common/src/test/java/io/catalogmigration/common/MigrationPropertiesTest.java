package io.catalogmigration.common;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationPropertiesTest {

    @Test
    void anUnconfiguredRuntimeHasTheDefaultsTheReadmeLists() {
        var settings = bind(Map.of());

        assertThat(settings.retry().initialIntervalMs()).isEqualTo(500);
        assertThat(settings.retry().maxAttempts()).isEqualTo(4);
        assertThat(settings.progress().minInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.outbox().await()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.outbox().clockSkew()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.commands().maxAge()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.activeInstance().pollInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.topics().eventPartitions()).isEqualTo(6);
        assertThat(settings.pools().maximumSize()).isEqualTo(4);
        assertThat(settings.consumerThrottling().enabled()).isFalse();
        assertThat(settings.secrets().rules()).as("no command's reference is resolved until the operator says so").isEmpty();
        assertThat(settings.secrets().reserved()).contains("env:CONTROL_DB_*");
    }

    @Test
    void throttlingAndSecretsBindUnderTheOneRuntimePrefix() {
        var settings = bind(Map.of(
                "migration.consumer-throttling.enabled", "true",
                "migration.consumer-throttling.threshold", "70",
                "migration.secrets.rules[0].references", "env:SOURCE_PASSWORD",
                "migration.secrets.rules[0].hosts", "catalog-db.internal",
                "migration.outbox.await", "5s"));

        assertThat(settings.consumerThrottling().threshold()).isEqualTo(70);
        assertThat(settings.secrets().rules()).singleElement()
                .satisfies(rule -> assertThat(rule.hosts()).containsExactly("catalog-db.internal"));
        assertThat(settings.outbox().await()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aRuntimeValueOutOfRangeStopsTheServiceFromStarting() {
        assertThatThrownBy(() -> bind(Map.of("migration.pools.maximum-size", "0")))
                .isInstanceOf(BindException.class).rootCause().hasMessageContaining("migration.pools.maximum-size");
    }

    private static MigrationProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("migration", MigrationProperties.class);
    }
}
