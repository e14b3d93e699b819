package io.catalogmigration.common.secret;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretResolverTest {

    /** Every secret value any test here knows of: none of them may ever appear in an error message. */
    private static final List<String> SECRET_VALUES = List.of("pr0d-pa55", "st4ging-pa55", "s3cret", "u", "hunter2",
            "file-pa55", "plain-pa55");

    /** The server every reference here is for: these tests are about reading secrets, SecretPolicyTest about binding them. */
    static final String HOST = "db.internal";
    static final SecretPolicy EVERY_REFERENCE_FOR_HOST =
            SecretPolicy.allowing(List.of("env:*", "file:/*", "aws-secretsmanager:*"), List.of(HOST), false);

    private static final Map<String, String> ENVIRONMENT = Map.of(
            "PGPASSWORD_PROD", "pr0d-pa55",
            "PGPASSWORD_STAGING", "st4ging-pa55",
            "PGPASSWORD_EMPTY", "");

    private final SecretResolver withoutAws = new SecretResolver(ENVIRONMENT::get,
            () -> { throw new AssertionError("no AWS in this test"); }, EVERY_REFERENCE_FOR_HOST);

    @Test
    void anEnvironmentReferenceReadsThatVariable() {
        assertThat(withoutAws.resolve("env:PGPASSWORD_PROD", HOST)).isEqualTo("pr0d-pa55");
        assertThat(withoutAws.resolve("env:PGPASSWORD_STAGING", HOST)).isEqualTo("st4ging-pa55");
    }

    @Test
    void aMissingEnvironmentVariableNamesTheReferenceAndTheRemedyButNoSecret() {
        assertThatThrownBy(() -> withoutAws.resolve("env:PGPASSWORD_DR", HOST))
                .isInstanceOf(SecretUnavailableException.class)
                .hasMessageContaining("env:PGPASSWORD_DR")
                .hasMessageContaining("export PGPASSWORD_DR")
                .satisfies(SecretResolverTest::containsNoSecretValue);
    }

    @Test
    void anEmptyEnvironmentVariableCountsAsMissing() {
        assertThatThrownBy(() -> withoutAws.resolve("env:PGPASSWORD_EMPTY", HOST))
                .isInstanceOf(SecretUnavailableException.class)
                .hasMessageContaining("env:PGPASSWORD_EMPTY");
    }

    @Test
    void aFileReferenceReadsTheFileWithoutItsTrailingNewline(@TempDir Path dir) throws IOException {
        Path unix = Files.writeString(dir.resolve("pg-password"), "file-pa55\n");
        Path windows = Files.writeString(dir.resolve("pg-password-crlf"), "file-pa55\r\n");

        assertThat(withoutAws.resolve("file:" + unix, HOST)).isEqualTo("file-pa55");
        assertThat(withoutAws.resolve("file:" + windows, HOST)).isEqualTo("file-pa55");
    }

    @Test
    void spacesInsideASecretFileAreKeptBecauseTheyMayBePartOfThePassword(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("pg-password"), " pa55 word \n");

        assertThat(withoutAws.resolve("file:" + file, HOST)).isEqualTo(" pa55 word ");
    }

    @Test
    void aMissingFileNamesTheReferenceAndTheRemedy(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-secret");

        assertThatThrownBy(() -> withoutAws.resolve("file:" + missing, HOST))
                .isInstanceOf(SecretUnavailableException.class)
                .hasMessageContaining("file:" + missing)
                .hasMessageContaining("check that the file exists and is readable")
                .satisfies(SecretResolverTest::containsNoSecretValue);
    }

    @Test
    void aPastedPasswordInsteadOfAReferenceIsNeverEchoedBack() {
        assertThatThrownBy(() -> withoutAws.resolve("hunter2", HOST))
                .isInstanceOf(SecretUnavailableException.class)
                .hasMessageContaining("env:NAME")
                .satisfies(SecretResolverTest::containsNoSecretValue);
    }

    @Test
    void aPasswordWithAMadeUpSchemeIsNeverEchoedBack() {
        assertThatThrownBy(() -> withoutAws.resolve("password:hunter2", HOST))
                .isInstanceOf(SecretUnavailableException.class)
                .hasMessageContaining("never passwords")
                .satisfies(SecretResolverTest::containsNoSecretValue);
    }

    @Test
    void noPartOfAPastedPasswordIsEchoedEvenBeforeAColon() {
        assertThatThrownBy(() -> withoutAws.resolve("correcthorse:battery", HOST))
                .isInstanceOf(SecretUnavailableException.class)
                .hasMessageNotContaining("correcthorse")
                .hasMessageNotContaining("battery");
    }

    @Test
    void anEmptyReferenceSaysWhatAReferenceLooksLike() {
        assertThatThrownBy(() -> withoutAws.resolve(" ", HOST))
                .isInstanceOf(SecretUnavailableException.class)
                .hasMessageContaining("env:NAME, file:/path or aws-secretsmanager:arn");
        assertThatThrownBy(() -> withoutAws.resolve("env:", HOST))
                .isInstanceOf(SecretUnavailableException.class);
    }

    private static void containsNoSecretValue(Throwable error) {
        for (String value : SECRET_VALUES) {
            if (value.length() > 1) {
                assertThat(error.getMessage()).doesNotContain(value);
            }
        }
        assertThat(error.getCause()).isNull();
    }

    /** A real SDK client against a local stand-in for the Secrets Manager JSON 1.1 endpoint. */
    @Nested
    class AwsSecretsManager {

        private static final String JSON_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:catalog/pg-AbCdEf";
        private static final String PLAIN_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:catalog/plain-XyZ";
        /** Starts like JSON, is not: Jackson's own message would quote the unquoted token, which is the password. */
        private static final String MALFORMED_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:catalog/broken-QwE";
        private static final String MALFORMED_PASSWORD = "tr0ub4dor-and-3";

        private static HttpServer secretsManager;
        private static final List<String> targets = new CopyOnWriteArrayList<>();
        private static final List<String> requestedSecretIds = new CopyOnWriteArrayList<>();

        private final AtomicInteger clientsBuilt = new AtomicInteger();
        private SecretsManagerClient client;
        private SecretResolver resolver;

        @BeforeAll
        static void startSecretsManagerStandIn() throws IOException {
            secretsManager = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            secretsManager.createContext("/", AwsSecretsManager::answer);
            secretsManager.start();
        }

        @AfterAll
        static void stopSecretsManagerStandIn() {
            secretsManager.stop(0);
        }

        private static void answer(HttpExchange exchange) throws IOException {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            targets.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target")));
            String secretId = JsonMapper.shared().readTree(body).path("SecretId").asString();
            requestedSecretIds.add(secretId);
            var mapper = JsonMapper.shared();
            int status;
            String response;
            if (secretId.equals(JSON_SECRET)) {
                status = 200;
                response = mapper.writeValueAsString(Map.of("ARN", JSON_SECRET, "Name", "catalog/pg",
                        "SecretString", "{\"username\":\"u\",\"password\":\"s3cret\"}"));
            } else if (secretId.equals(MALFORMED_SECRET)) {
                status = 200;
                response = mapper.writeValueAsString(Map.of("ARN", MALFORMED_SECRET, "Name", "catalog/broken",
                        "SecretString", "{\"username\": \"u\", \"password\": " + MALFORMED_PASSWORD + "}"));
            } else if (secretId.equals(PLAIN_SECRET)) {
                status = 200;
                response = mapper.writeValueAsString(Map.of("ARN", PLAIN_SECRET, "Name", "catalog/plain",
                        "SecretString", "plain-pa55"));
            } else {
                status = 400;
                response = "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Secrets Manager can't find the specified secret.\"}";
            }
            byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(status, bytes.length);
            try (var out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }

        @BeforeEach
        void resolverWithARealClient() {
            targets.clear();
            requestedSecretIds.clear();
            resolver = new SecretResolver(System::getenv, () -> {
                clientsBuilt.incrementAndGet();
                client = SecretsManagerClient.builder()
                        .endpointOverride(URI.create("http://127.0.0.1:" + secretsManager.getAddress().getPort()))
                        .region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("AKIDEXAMPLE", "not-a-real-secret-key")))
                        .build();
                return client;
            }, EVERY_REFERENCE_FOR_HOST);
        }

        @AfterEach
        void closeClient() {
            if (client != null) {
                client.close();
            }
        }

        @Test
        void aJsonSecretIsReadAtItsPasswordFieldByDefault() {
            assertThat(resolver.resolve("aws-secretsmanager:" + JSON_SECRET, HOST)).isEqualTo("s3cret");

            assertThat(targets).containsExactly("secretsmanager.GetSecretValue");
            assertThat(requestedSecretIds).containsExactly(JSON_SECRET);
        }

        @Test
        void aFragmentPicksAnotherFieldOfTheJsonSecret() {
            assertThat(resolver.resolve("aws-secretsmanager:" + JSON_SECRET + "#username", HOST)).isEqualTo("u");

            assertThat(requestedSecretIds).as("the #fragment is ours, not part of the SecretId")
                    .containsExactly(JSON_SECRET);
        }

        @Test
        void aPlainStringSecretIsTheSecretItself() {
            assertThat(resolver.resolve("aws-secretsmanager:" + PLAIN_SECRET, HOST)).isEqualTo("plain-pa55");
        }

        @Test
        void theClientIsBuiltOnceAndOnlyWhenFirstNeeded() {
            assertThat(clientsBuilt).hasValue(0);

            resolver.resolve("aws-secretsmanager:" + JSON_SECRET, HOST);
            resolver.resolve("aws-secretsmanager:" + JSON_SECRET + "#username", HOST);

            assertThat(clientsBuilt).hasValue(1);
            assertThat(requestedSecretIds).hasSize(2);
        }

        @Test
        void aJsonSecretWithoutTheRequestedFieldNamesTheFieldButShowsNoneOfTheSecret() {
            assertThatThrownBy(() -> resolver.resolve("aws-secretsmanager:" + JSON_SECRET + "#pass", HOST))
                    .isInstanceOf(SecretUnavailableException.class)
                    .hasMessageContaining("'pass'")
                    .hasMessageContaining(JSON_SECRET)
                    .satisfies(SecretResolverTest::containsNoSecretValue);
        }

        @Test
        void aMalformedJsonSecretIsRefusedWithoutQuotingAnyOfIt() {
            assertThatThrownBy(() -> resolver.resolve("aws-secretsmanager:" + MALFORMED_SECRET, HOST))
                    .isInstanceOf(SecretUnavailableException.class)
                    .hasMessageContaining("aws-secretsmanager:" + MALFORMED_SECRET)
                    .hasMessageContaining("not valid JSON")
                    .hasMessageNotContaining("tr0ub4dor")
                    .satisfies(e -> assertThat(e.getCause()).as("Jackson's exception quotes the token").isNull())
                    .satisfies(e -> assertThat(e.getStackTrace()).noneMatch(frame -> frame.toString().contains("tr0ub4dor")));
        }

        @Test
        void anUnknownSecretNamesTheReferenceAndWhatToCheck() {
            String missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:catalog/gone-000000";

            assertThatThrownBy(() -> resolver.resolve("aws-secretsmanager:" + missing, HOST))
                    .isInstanceOf(SecretUnavailableException.class)
                    .hasMessageContaining("aws-secretsmanager:" + missing)
                    .hasMessageContaining("ResourceNotFoundException")
                    .hasMessageContaining("secretsmanager:GetSecretValue permission");
            assertThat(requestedSecretIds).containsExactly(missing);
        }
    }
}
