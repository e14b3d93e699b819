package io.catalogmigration.cutover.switching;

import io.catalogmigration.cutover.CutoverProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import tools.jackson.core.type.TypeReference;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real SDK client against {@link SsmStub}: what a switch writes, captures and puts back. */
class SsmSwitcherTest {

    private static final String PREFIX = "/catalog-migration/";
    private static final String ROSEMETA_REF = "aws-secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:"
            + "catalog-migration/target-Xy12Ab#password";
    private static final String LINEAGE_REF = "env:LINEAGE_PGPASSWORD";

    private SsmStub stub;
    private SsmSwitcher switcher;

    @BeforeEach
    void start() {
        stub = SsmStub.start();
        switcher = switcherAt(stub.endpoint());
    }

    @AfterEach
    void stop() {
        switcher.close();
        stub.close();
    }

    private static SsmSwitcher switcherAt(URI endpoint) {
        var settings = new CutoverProperties.Ssm(PREFIX, SsmStub.REGION, endpoint);
        var client = SsmSwitcher.clientBuilder(settings)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDSTUB", "stub-secret")))
                .build();
        return new SsmSwitcher(settings, client);
    }

    private static ConnectionSettings target() {
        return ConnectionSettings.of(Map.of(
                "rosemeta", new ConnectionSettings.Database("target.abc.us-east-1.rds.amazonaws.com", 5432, "rosemeta",
                        "rosemeta_app", "verify-full", ROSEMETA_REF),
                "lineage", new ConnectionSettings.Database("target.abc.us-east-1.rds.amazonaws.com", 5433, "lineage",
                        "lineage_app", "require", LINEAGE_REF)));
    }

    /** What {@code settings} should look like in SSM. */
    private static Map<String, String> expected(ConnectionSettings settings) {
        Map<String, String> values = new TreeMap<>();
        settings.flatten().forEach((key, value) -> values.put(PREFIX + key.replaceFirst("\\.", "/"), value));
        return values;
    }

    private static Map<String, String> parse(String captured) {
        // a null (no parameter existed) is a value in the capture: read it as the switcher does, not as a command
        return tools.jackson.databind.json.JsonMapper.builder().build().readValue(captured,
                new TypeReference<LinkedHashMap<String, String>>() {
        });
    }

    @Test
    void applyThenCaptureShowsTheNewValues() {
        switcher.apply(target());

        assertThat(stub.values()).isEqualTo(expected(target()));
        assertThat(stub.parameters().values()).allSatisfy(p -> assertThat(p.type()).isEqualTo("String"));
        assertThat(stub.values()).containsEntry(PREFIX + "rosemeta/jdbc-url",
                "jdbc:postgresql://target.abc.us-east-1.rds.amazonaws.com:5432/rosemeta?sslmode=verify-full");

        Map<String, String> captured = parse(switcher.capture(Set.of("rosemeta", "lineage")));
        assertThat(new TreeMap<>(captured)).isEqualTo(expected(target()));
        // 14 names: GetParameters takes at most 10 a call.
        assertThat(stub.calls("GetParameters")).hasSize(2)
                .allSatisfy(call -> assertThat(call.names()).hasSizeLessThanOrEqualTo(SsmSwitcher.BATCH));
        assertThat(stub.calls("PutParameter")).allSatisfy(call -> {
            assertThat(call.param("Overwrite")).isEqualTo("true");
            assertThat(call.param("Type")).isEqualTo("String");
        });
    }

    @Test
    void eachJdbcUrlIsWrittenLast() {
        switcher.apply(target());

        List<String> written = stub.calls("PutParameter").stream().map(c -> c.param("Name")).toList();
        assertThat(written).hasSize(14);
        assertThat(written.subList(12, 14)).containsExactlyInAnyOrder(PREFIX + "rosemeta/jdbc-url", PREFIX + "lineage/jdbc-url");
        assertThat(written.subList(0, 12)).noneMatch(name -> name.endsWith("/jdbc-url"));
    }

    @Test
    void captureApplyRestoreGivesBackThePreviousValuesAndDeletesWhatDidNotExist() {
        // Before: rosemeta partly configured (no sslmode, password-ref or jdbc-url), lineage not at all, plus
        // parameters the cutover does not own.
        stub.put(PREFIX + "rosemeta/host", "source.internal");
        stub.put(PREFIX + "rosemeta/port", "5432");
        stub.put(PREFIX + "rosemeta/database", "rosemeta");
        stub.put(PREFIX + "rosemeta/user", "rosemeta_app");
        stub.put(PREFIX + "other/host", "someone-elses");
        stub.put("/unrelated/rosemeta/host", "untouched");
        Map<String, String> before = stub.values();

        String captured = switcher.capture(Set.of("rosemeta", "lineage"));
        assertThat(parse(captured)).containsEntry(PREFIX + "rosemeta/host", "source.internal")
                .containsEntry(PREFIX + "rosemeta/sslmode", null)
                .containsEntry(PREFIX + "lineage/host", null)
                .hasSize(14)
                .doesNotContainKey(PREFIX + "other/host");

        switcher.apply(target());
        assertThat(stub.values()).containsAllEntriesOf(expected(target()));

        switcher.restore(captured, Set.of("rosemeta", "lineage"));

        assertThat(stub.values()).isEqualTo(before);
        assertThat(stub.calls("DeleteParameters")).isNotEmpty()
                .allSatisfy(call -> assertThat(call.names()).hasSizeLessThanOrEqualTo(SsmSwitcher.BATCH));
        // Restore also writes jdbc-url last: here both were absent, so the last call deletes them.
        var lastCall = stub.calls().get(stub.calls().size() - 1);
        assertThat(lastCall.action()).isEqualTo("DeleteParameters");
        assertThat(lastCall.names()).containsExactlyInAnyOrder(PREFIX + "lineage/jdbc-url", PREFIX + "rosemeta/jdbc-url");
    }

    @Test
    void restoreOnlyTouchesTheDatabasesAskedFor() {
        String captured = switcher.capture(Set.of("rosemeta", "lineage"));
        switcher.apply(target());

        switcher.restore(captured, Set.of("lineage"));

        assertThat(stub.values()).containsAllEntriesOf(
                expected(ConnectionSettings.of(Map.of("rosemeta", target().databases().get("rosemeta")))));
        assertThat(stub.values().keySet()).noneMatch(name -> name.startsWith(PREFIX + "lineage/"));
    }

    @Test
    void restoreRefusesACaptureTakenUnderAnotherPrefix() {
        stub.put(PREFIX + "rosemeta/host", "source.internal");

        assertThatThrownBy(() -> switcher.restore("{\"/elsewhere/rosemeta/host\":\"x\"}", Set.of("rosemeta")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/elsewhere/rosemeta/host");
        assertThat(stub.calls("PutParameter")).isEmpty();
        assertThat(stub.calls("DeleteParameters")).isEmpty();
    }

    @Test
    void passwordRefHoldsTheReferenceAndNothingElse() {
        switcher.apply(target());

        assertThat(stub.values()).containsEntry(PREFIX + "rosemeta/password-ref", ROSEMETA_REF)
                .containsEntry(PREFIX + "lineage/password-ref", LINEAGE_REF);
        // The reference is the only password-related value written, and it went in as a String.
        assertThat(stub.calls("PutParameter")).filteredOn(c -> c.param("Name").endsWith("/password-ref"))
                .extracting(c -> c.param("Value")).containsExactlyInAnyOrder(ROSEMETA_REF, LINEAGE_REF);
    }

    @Test
    void aPastedPasswordIsRefusedBeforeAnythingIsWritten() {
        var pasted = ConnectionSettings.of(Map.of("rosemeta", new ConnectionSettings.Database("target", 5432, "rosemeta",
                "rosemeta_app", "require", "hunter2-s3cret")));

        assertThatThrownBy(() -> switcher.apply(pasted)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rosemeta.password-ref").hasMessageNotContaining("hunter2-s3cret");
        assertThat(stub.calls("PutParameter")).isEmpty();
        assertThat(stub.values()).isEmpty();
    }

    @Test
    void anEmptySettingIsDeletedRatherThanWritten() {
        stub.put(PREFIX + "rosemeta/sslmode", "disable");
        var settings = ConnectionSettings.of(Map.of("rosemeta", new ConnectionSettings.Database("target", 5432, "rosemeta",
                "rosemeta_app", "", ROSEMETA_REF)));

        switcher.apply(settings);

        assertThat(stub.values()).doesNotContainKey(PREFIX + "rosemeta/sslmode").containsEntry(PREFIX + "rosemeta/host", "target");
        assertThat(stub.calls("PutParameter")).noneMatch(c -> c.param("Name").endsWith("/sslmode"));
    }

    @Test
    void throttlingIsRetriedByTheSdk() {
        stub.failTimes("PutParameter", "ThrottlingException", 2);

        switcher.apply(target());

        assertThat(stub.values()).isEqualTo(expected(target()));
        assertThat(stub.calls("PutParameter")).hasSize(14 + 2);
    }

    @Test
    void problemsIsEmptyWhenTheParametersCanBeRead() {
        stub.put(PREFIX + "rosemeta/host", "source.internal");

        assertThat(switcher.problems(Set.of("rosemeta", "lineage"))).isEmpty();
        assertThat(stub.calls("PutParameter")).isEmpty();
    }

    @Test
    void problemsNamesTheMissingPermissionWhenAccessIsDenied() {
        stub.fail("GetParameters", "AccessDeniedException");

        List<String> problems = switcher.problems(Set.of("rosemeta"));

        assertThat(problems).singleElement().satisfies(problem -> assertThat(problem)
                .contains("access denied")
                .contains("ssm:GetParameters").contains("ssm:PutParameter").contains("ssm:DeleteParameters")
                .contains("arn:aws:ssm:us-east-1:*:parameter/catalog-migration/*")
                .contains(PREFIX));
    }

    @Test
    void problemsReportsAnUnreachableEndpointWithoutThrowing() throws IOException {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (var unreachable = switcherAt(URI.create("http://127.0.0.1:" + closedPort))) {
            assertThat(unreachable.problems(Set.of("rosemeta"))).singleElement().satisfies(problem -> assertThat(problem)
                    .contains("unreachable").contains("ssm:GetParameters"));
        }
    }

    @Test
    void problemsFlagsASecureStringAndCaptureRefusesIt() {
        stub.put(PREFIX + "rosemeta/password-ref", "AQICAHh-ciphertext", "SecureString");

        assertThat(switcher.problems(Set.of("rosemeta"))).singleElement().satisfies(problem -> assertThat(problem)
                .contains(PREFIX + "rosemeta/password-ref").contains("SecureString"));
        assertThatThrownBy(() -> switcher.capture(Set.of("rosemeta"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SecureString");
    }

    @Test
    void problemsFlagsADatabaseNameSsmCannotHold() {
        assertThat(switcher.problems(Set.of("rose meta"))).singleElement()
                .satisfies(problem -> assertThat(problem).contains("rose meta"));
        assertThat(stub.calls()).isEmpty();
    }

    @Test
    void describeNamesThePrefixAndRegion() {
        assertThat(switcher.describe()).isEqualTo("AWS SSM parameters under /catalog-migration/ (region us-east-1, endpoint "
                + stub.endpoint() + ")");
        try (var created = SsmSwitcher.create(new CutoverProperties.Ssm("/catalog", "eu-west-1", null))) {
            assertThat(created.describe()).isEqualTo("AWS SSM parameters under /catalog/ (region eu-west-1)");
        }
    }
}
