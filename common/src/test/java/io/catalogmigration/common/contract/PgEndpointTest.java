package io.catalogmigration.common.contract;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class PgEndpointTest {

    private static final String SECRET_REF = "aws-secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod-pg-XyZ";

    private final PgEndpoint production =
            new PgEndpoint("catalog-eu.db.internal", 5432, "catalog_eu", "migrator", "verify-full", SECRET_REF);

    @Test
    void describingAnEndpointForALogNamesWhereItIsButNotTheSecretReference() {
        assertThat(production.describe()).isEqualTo("migrator@catalog-eu.db.internal:5432/catalog_eu");
        assertThat(production.toString()).isEqualTo(production.describe());
        assertThat(production.describe()).doesNotContain("secretsmanager").doesNotContain("prod-pg-XyZ");
    }

    @Test
    void loggingAWholeCommandDoesNotLeakTheSecretReferenceEither() {
        var command = new StartPrune(UUID.randomUUID(), "mig-1", Instant.EPOCH, production, List.of("qli"),
                PruneMode.PURGE, null);

        assertThat(command.toString()).contains("catalog-eu.db.internal").doesNotContain("prod-pg-XyZ");
    }

    @Test
    void aCompleteEndpointHasNoProblems() {
        assertThat(production.problems()).isEmpty();
    }

    @Test
    void anEndpointWithoutSslmodeVerifiesTheServerAndIsUsable() {
        var endpoint = new PgEndpoint("h", 5432, "d", "u", null, "env:PGPASSWORD");

        assertThat(endpoint.sslmode()).as("a command cannot downgrade TLS by leaving sslmode out").isEqualTo("verify-full");
        assertThat(endpoint.problems()).isEmpty();
    }

    @Test
    void anEmptyEndpointNamesEveryMissingPieceSoTheOperatorFixesThemInOneGo() {
        var empty = new PgEndpoint(" ", 0, null, "", "prefer", null);

        assertThat(empty.problems()).satisfiesExactlyInAnyOrder(
                p -> assertThat(p).contains("host").contains("missing"),
                p -> assertThat(p).contains("port 0").contains("1-65535"),
                p -> assertThat(p).contains("database").contains("missing"),
                p -> assertThat(p).contains("user").contains("missing"),
                p -> assertThat(p).contains("passwordRef").contains("missing").contains("env:"));
    }

    @Test
    void aPortOutsideTheTcpRangeIsAProblem() {
        assertThat(new PgEndpoint("h", 65536, "d", "u", "prefer", "env:P").problems())
                .singleElement().asString().contains("65536");
    }

    @Test
    void aMisspeltSslmodeIsAProblemThatListsTheValidModes() {
        var endpoint = new PgEndpoint("h", 5432, "d", "u", "verify_full", "env:PGPASSWORD");

        assertThat(endpoint.problems()).singleElement().asString()
                .contains("sslmode 'verify_full'")
                .contains("verify-full")
                .contains("require");
    }

    @Test
    void movingToAnotherDatabaseKeepsTheLoginAndTheSecretReference() {
        var other = production.withDatabase("catalog_us");

        assertThat(other).isEqualTo(new PgEndpoint("catalog-eu.db.internal", 5432, "catalog_us", "migrator",
                "verify-full", SECRET_REF));
    }

    @Test
    void namesThatCarryConnectionParametersAreProblemsAndAreNotEchoed() {
        var endpoint = new PgEndpoint("db.internal/x?sslmode=disable", 5432, "rosemeta?sslmode=disable",
                "alation options=-c", "verify-full", "env:PGPASSWORD");

        assertThat(endpoint.problems()).satisfiesExactlyInAnyOrder(
                p -> assertThat(p).contains("endpoint.host").doesNotContain("sslmode=disable"),
                p -> assertThat(p).contains("endpoint.database").contains("63 bytes").doesNotContain("sslmode=disable"),
                p -> assertThat(p).contains("endpoint.user").doesNotContain("options"));
    }

    @Test
    void aNameLongerThanPostgresKeepsIsAProblem() {
        assertThat(new PgEndpoint("h", 5432, "d".repeat(64), "u", null, "env:P").problems())
                .singleElement().asString().contains("endpoint.database");
        assertThat(new PgEndpoint("h", 5432, "d".repeat(63), "u", null, "env:P").problems()).isEmpty();
    }

    @Test
    void ipAddressesAndContainerNamesAreHosts() {
        for (String host : java.util.List.of("10.0.1.15", "::1", "fe80::1", "catalog_db", "catalog-rds.c1.eu-west-1.rds.amazonaws.com")) {
            assertThat(new PgEndpoint(host, 5432, "d", "u", null, "env:P").problems()).as(host).isEmpty();
        }
    }

    @Test
    void aPasswordWhereTheReferenceBelongsIsAProblemThatDoesNotQuoteIt() {
        assertThat(new PgEndpoint("h", 5432, "d", "u", null, "hunter2").problems())
                .singleElement().asString().contains("passwordRef").contains("value not shown").doesNotContain("hunter2");
    }
}
