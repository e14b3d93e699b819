package io.catalogmigration.common.secret;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A command names both an endpoint and a secret reference: the service must resolve a reference only for the hosts the
 * operator bound it to, never its own secrets, and never echo what is not a reference.
 */
class SecretPolicyTest {

    private static final Map<String, String> ENVIRONMENT = Map.of(
            "SOURCE_PASSWORD", "s0urce-pa55",
            "CONTROL_DB_PASSWORD", "c0ntrol-pa55",
            "TARGET_PASSWORD", "t4rget-pa55");

    private final List<String> variablesRead = new ArrayList<>();

    private final SecretPolicy policy = new SecretPolicy(List.of(
            new SecretPolicy.Rule(List.of("env:SOURCE_PASSWORD", "file:/run/secrets/source/*"), List.of("catalog-db.internal"), false),
            new SecretPolicy.Rule(List.of("env:TARGET_PASSWORD", "env:CONTROL_DB_PASSWORD"),
                    List.of("*.c1a2b3.eu-west-1.rds.amazonaws.com"), false),
            new SecretPolicy.Rule(List.of("env:*"), List.of("legacy-db.internal"), true)), null);

    private final SecretResolver resolver = new SecretResolver(name -> {
        variablesRead.add(name);
        return ENVIRONMENT.get(name);
    }, () -> {
        throw new AssertionError("no AWS in this test");
    }, policy);

    @Test
    void aReferenceIsResolvedForTheHostsItsRuleNames() {
        assertThat(resolver.resolve("env:SOURCE_PASSWORD", "catalog-db.internal")).isEqualTo("s0urce-pa55");
        assertThat(resolver.resolve("env:TARGET_PASSWORD", "Catalog.C1A2B3.eu-west-1.rds.amazonaws.com"))
                .as("host names compare case-insensitively").isEqualTo("t4rget-pa55");
    }

    @Test
    void aReferenceSentToAHostItsRuleDoesNotNameIsRefusedBeforeItIsRead() {
        assertThatThrownBy(() -> resolver.resolve("env:SOURCE_PASSWORD", "attacker.example"))
                .isInstanceOf(SecretUnavailableException.class)
                .hasMessageContaining("env:SOURCE_PASSWORD")
                .hasMessageContaining("attacker.example")
                .hasMessageContaining("other hosts only")
                .hasMessageNotContaining("s0urce-pa55");
        assertThat(variablesRead).as("the secret is not even read").isEmpty();
    }

    @Test
    void aReferenceNoRuleNamesIsRefused() {
        assertThatThrownBy(() -> resolver.resolve("file:/etc/shadow", "catalog-db.internal"))
                .isInstanceOf(SecretUnavailableException.class)
                .hasMessageContaining("file:/etc/shadow")
                .hasMessageContaining("no rule of migration.secrets.rules names it");
        assertThat(variablesRead).isEmpty();
    }

    @Test
    void theServicesOwnSecretsAreNeverResolvedForACommandEvenWhereARuleAllowsThem() {
        for (String host : List.of("legacy-db.internal", "catalog.c1a2b3.eu-west-1.rds.amazonaws.com")) {
            assertThatThrownBy(() -> resolver.resolve("env:CONTROL_DB_PASSWORD", host))
                    .isInstanceOf(SecretUnavailableException.class)
                    .hasMessageContaining("env:CONTROL_DB_PASSWORD")
                    .hasMessageContaining("own")
                    .hasMessageNotContaining("c0ntrol-pa55");
        }
        assertThatThrownBy(() -> resolver.resolve("file:/proc/self/environ", "legacy-db.internal"))
                .isInstanceOf(SecretUnavailableException.class).hasMessageContaining("own");
        assertThat(variablesRead).isEmpty();
    }

    @Test
    void anOperatorMayReserveMoreReferences() {
        var stricter = new SecretResolver(ENVIRONMENT::get, () -> null, new SecretPolicy(policy.rules(), List.of("env:SOURCE_*")));

        assertThatThrownBy(() -> stricter.resolve("env:SOURCE_PASSWORD", "catalog-db.internal"))
                .hasMessageContaining("own");
        assertThatThrownBy(() -> stricter.resolve("env:CONTROL_DB_PASSWORD", "legacy-db.internal"))
                .as("the built-in reservations stay").hasMessageContaining("own");
    }

    @Test
    void noRuleAtAllMeansNoCommandSecretIsResolved() {
        var none = new SecretResolver(ENVIRONMENT::get, () -> null, new SecretPolicy(null, null));

        assertThatThrownBy(() -> none.resolve("env:SOURCE_PASSWORD", "catalog-db.internal"))
                .isInstanceOf(SecretUnavailableException.class);
    }

    @Test
    void aFileRuleCoversItsDirectoryButNoPathThatClimbsOutOfIt(@TempDir Path dir) throws IOException {
        var files = new SecretResolver(ENVIRONMENT::get, () -> null,
                SecretPolicy.allowing(List.of("file:" + dir + "/*"), List.of("db.internal"), false));
        Path secret = Files.writeString(dir.resolve("pg"), "f1le-pa55\n");

        assertThat(files.resolve("file:" + secret, "db.internal")).isEqualTo("f1le-pa55");
        assertThatThrownBy(() -> files.resolve("file:" + dir + "/../../etc/passwd", "db.internal"))
                .isInstanceOf(SecretUnavailableException.class)
                .hasMessageContaining("not a secret reference (value not shown)")
                .hasMessageNotContaining("passwd");
    }

    @Test
    void aValuePastedAfterAValidSchemeIsNotAReferenceAndIsNeverEchoed() {
        for (String pasted : List.of("env:Pasted-Pr0d-Secret", "file:Pasted-Pr0d-Secret", "file:/tmp/Pasted Pr0d Secret",
                "aws-secretsmanager:Pasted Pr0d Secret", "env:Pasted\nPr0d")) {
            assertThat(SecretRef.isValid(pasted)).as(pasted).isFalse();
            assertThatThrownBy(() -> resolver.resolve(pasted, "legacy-db.internal"))
                    .isInstanceOf(SecretUnavailableException.class)
                    .hasMessageNotContaining("Pr0d")
                    .hasMessageNotContaining("Pasted");
        }
        assertThat(variablesRead).isEmpty();
    }

    @Test
    void clearTextAuthenticationIsAllowedOnlyWhereTheMatchingRuleSaysSo() {
        assertThat(resolver.clearTextAllowed("env:SOURCE_PASSWORD", "catalog-db.internal")).isFalse();
        assertThat(resolver.clearTextAllowed("env:SOURCE_PASSWORD", "legacy-db.internal")).isTrue();
    }
}
