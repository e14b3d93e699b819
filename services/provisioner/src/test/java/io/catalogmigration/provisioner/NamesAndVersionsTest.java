package io.catalogmigration.provisioner;

import io.catalogmigration.common.run.MigrationProblem;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamesAndVersionsTest {

    @Test
    void theDefaultIdentifierIsAValidRdsIdentifierDerivedFromTheMigrationId() {
        assertThat(ResourceNames.defaultInstanceIdentifier("RDS_2026.11")).isEqualTo("catalog-rds-2026-11");
        assertThat(ResourceNames.defaultInstanceIdentifier("a--b-")).isEqualTo("catalog-a-b");
        String longest = ResourceNames.defaultInstanceIdentifier("x".repeat(100));
        assertThat(longest).hasSize(63);
        assertThat(ResourceNames.validInstanceIdentifier(longest)).isTrue();
    }

    @Test
    void identifiersThatRdsWouldRefuseAreRecognised() {
        assertThat(ResourceNames.validInstanceIdentifier("catalog-prod")).isTrue();
        assertThat(ResourceNames.validInstanceIdentifier("1catalog")).isFalse();
        assertThat(ResourceNames.validInstanceIdentifier("catalog--prod")).isFalse();
        assertThat(ResourceNames.validInstanceIdentifier("catalog-")).isFalse();
        assertThat(ResourceNames.validInstanceIdentifier("catalog_prod")).isFalse();
        assertThat(ResourceNames.validInstanceIdentifier("c".repeat(64))).isFalse();
    }

    @Test
    void everyResourceIsNamedAfterTheInstance() {
        var names = ResourceNames.of("catalog-prod", "alation");

        assertThat(names.subnetGroup()).isEqualTo("catalog-prod-subnets");
        assertThat(names.securityGroup()).isEqualTo("catalog-prod-db");
        assertThat(names.parameterGroup(16)).isEqualTo("catalog-prod-postgres16");
        assertThat(names.secret()).isEqualTo("catalog-migration/catalog-prod/alation");
        assertThat(names.finalSnapshot(Instant.parse("2026-11-21T10:15:30Z"))).isEqualTo("catalog-prod-final-20261121-101530");
    }

    @Test
    void theTargetRunsTheSourcesMajorOrTheMinimumWhicheverIsNewer() {
        assertThat(EngineVersions.targetMajor(null, 13, 14)).isEqualTo(14);
        assertThat(EngineVersions.targetMajor(null, 16, 14)).isEqualTo(16);
        assertThat(EngineVersions.targetMajor("17.2", 16, 14)).isEqualTo(17);
    }

    @Test
    void anEngineVersionOlderThanTheSourceIsRefused() {
        assertThatThrownBy(() -> EngineVersions.targetMajor("14.9", 15, 14))
                .isInstanceOf(MigrationProblem.class).hasMessageContaining("older than the source's PostgreSQL 15");
    }

    @Test
    void commentLiteralsAreEscapedWhateverTheyHold() {
        assertThat(LocalTarget.literal("it's a \\ test")).isEqualTo("E'it''s a \\\\ test'");
    }
}
