package io.catalogmigration.cutover.switching;

import io.catalogmigration.common.secret.SecretRef;
import io.catalogmigration.cutover.CutoverProperties;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.SsmClientBuilder;
import software.amazon.awssdk.services.ssm.model.GetParametersResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import tools.jackson.core.type.TypeReference;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The application reads its connection settings from AWS Systems Manager Parameter Store: one String parameter per
 * setting, named {@code <prefix><database>/<key>} (e.g. {@code /catalog-migration/rosemeta/host}) for every key of
 * {@link ConnectionSettings#flatten()}. {@code password-ref} holds a secret reference ({@code env:...},
 * {@code file:...}, {@code aws-secretsmanager:...}), never a password, so a plain String parameter is right; apply
 * refuses a value that is not such a reference.
 *
 * <p>SSM has no transaction over several parameters, so a switch is a series of PutParameter calls and a reader
 * polling in between can see a mixture of old and new values. To keep that window as harmless as it can be, every
 * database's {@code jdbc-url} (the one setting that carries host, port, database and sslmode together) is written
 * last, after all the other keys of all databases: an application that reads {@code jdbc-url} sees the old server
 * until the very end, then the new one. An application that assembles its connection from the separate keys should
 * only re-read its settings once the cutover has finished (the cutover stops writes and restarts the application
 * around the switch). Restore writes in the same order. A setting with no value (SSM cannot hold an empty String) is
 * deleted rather than written, so it reads as absent.
 *
 * <p>Throttling and transient faults are retried by the SDK's standard retry strategy; anything still failing after
 * that fails the call, and the cutover's own rollback puts back what {@link #capture} returned.
 */
public final class SsmSwitcher implements SettingsSwitcher, AutoCloseable {

    /**
     * The captured values are this service's own state, not a command: a null (no parameter existed) is a value here,
     * which the strict command reader would refuse.
     */
    private static final tools.jackson.databind.json.JsonMapper CAPTURED = tools.jackson.databind.json.JsonMapper.builder().build();

    /** GetParameters and DeleteParameters take at most this many names. */
    static final int BATCH = 10;

    private static final String JDBC_URL = "jdbc-url";
    private static final String PASSWORD_REF = "password-ref";
    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final String PERMISSIONS = "ssm:GetParameters, ssm:PutParameter and ssm:DeleteParameters";

    private final String prefix;
    private final String where;
    private final SsmClient ssm;

    public SsmSwitcher(CutoverProperties.Ssm settings, SsmClient ssm) {
        this.prefix = normalisePrefix(settings.prefix());
        this.ssm = ssm;
        this.where = "AWS SSM parameters under " + prefix + " (region " + regionOf(settings, ssm)
                + (settings.endpoint() == null ? "" : ", endpoint " + settings.endpoint()) + ")";
    }

    /** A client for {@code settings}: its region (else the SDK's default chain), its endpoint override if any. */
    public static SsmSwitcher create(CutoverProperties.Ssm settings) {
        try {
            return new SsmSwitcher(settings, clientBuilder(settings).build());
        } catch (SdkClientException e) {
            throw new IllegalStateException("cannot build the AWS SSM client: " + e.getMessage()
                    + " (set cutover.switcher.ssm.region, or AWS_REGION for the SDK's default chain)", e);
        }
    }

    /** The client configuration {@link #create} uses; tests add static credentials. */
    static SsmClientBuilder clientBuilder(CutoverProperties.Ssm settings) {
        var builder = SsmClient.builder().overrideConfiguration(ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.forRetryMode(RetryMode.STANDARD)).build());
        if (settings.region() != null && !settings.region().isBlank()) {
            builder.region(Region.of(settings.region().trim()));
        }
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder;
    }

    @Override
    public String describe() {
        return where;
    }

    /** Reads the parameters a switch would write (what capture does); a failure names the permissions needed. */
    @Override
    public List<String> problems(Set<String> databases) {
        List<String> problems = new ArrayList<>();
        for (String database : new TreeSet<>(databases)) {
            if (!DATABASE_NAME.matcher(database).matches()) {
                problems.add("database name '" + database + "' cannot be part of an SSM parameter name"
                        + " (letters, digits, '.', '-' and '_' only)");
            }
        }
        if (!problems.isEmpty()) {
            return problems;
        }
        try {
            for (Parameter parameter : read(names(databases)).values()) {
                if (parameter != null && parameter.type() != ParameterType.STRING) {
                    problems.add("SSM parameter " + parameter.name() + " is a " + parameter.typeAsString()
                            + "; the cutover writes String parameters (password-ref holds a secret reference, not a"
                            + " password): delete it or point cutover.switcher.ssm.prefix elsewhere");
                }
            }
        } catch (SdkException e) {
            problems.add("cannot read " + where + ": " + reason(e) + "; the cutover needs " + PERMISSIONS + " on "
                    + resourceArn());
        } catch (RuntimeException e) {
            problems.add("cannot read " + where + ": " + e);
        }
        return problems;
    }

    /** {@code {"<prefix>rosemeta/host":"old-host","<prefix>rosemeta/user":null,...}}: null where no parameter exists. */
    @Override
    public String capture(Set<String> databases) {
        Map<String, String> values = new LinkedHashMap<>();
        read(names(databases)).forEach((name, parameter) -> {
            if (parameter != null && parameter.type() != ParameterType.STRING) {
                // Its value is ciphertext (SecureString) or a list: putting it back as a String would corrupt it.
                throw new IllegalStateException("SSM parameter " + name + " is a " + parameter.typeAsString()
                        + ", not a String; the cutover only switches String parameters");
            }
            values.put(name, parameter == null ? null : parameter.value());
        });
        return CAPTURED.writeValueAsString(values);
    }

    @Override
    public void apply(ConnectionSettings settings) {
        Map<String, String> values = new LinkedHashMap<>();
        settings.flatten().forEach((flatKey, value) -> {
            int dot = flatKey.indexOf('.');
            String key = flatKey.substring(dot + 1);
            if (key.equals(PASSWORD_REF)) {
                try {
                    SecretRef.parse(value);
                } catch (RuntimeException e) {
                    // The message never echoes the value: it may be a pasted password.
                    throw new IllegalArgumentException(flatKey + " is not a secret reference, nothing was written: "
                            + e.getMessage(), e);
                }
            }
            values.put(name(flatKey.substring(0, dot), key), value);
        });
        write(values);
    }

    @Override
    public void restore(String captured, Set<String> databases) {
        Map<String, String> values = CAPTURED.readValue(captured, new TypeReference<LinkedHashMap<String, String>>() {
        });
        if (values == null) {
            throw new IllegalArgumentException("nothing captured to restore (the capture is JSON null)");
        }
        for (String name : values.keySet()) {
            if (!name.startsWith(prefix)) {
                throw new IllegalArgumentException("captured SSM parameter " + name + " is not under " + prefix
                        + ": the capture was taken with another cutover.switcher.ssm.prefix");
            }
        }
        Map<String, String> restoring = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            String rest = name.substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash > 0 && databases.contains(rest.substring(0, slash))) {
                restoring.put(name, value);
            }
        });
        write(restoring);
    }

    @Override
    public void close() {
        ssm.close();
    }

    /**
     * Puts every non-null value and deletes the parameters whose value is null or empty: first all settings but the
     * {@code jdbc-url}s, then the {@code jdbc-url}s.
     */
    private void write(Map<String, String> values) {
        Map<String, String> first = new LinkedHashMap<>();
        Map<String, String> last = new LinkedHashMap<>();
        values.forEach((name, value) -> (name.endsWith("/" + JDBC_URL) ? last : first).put(name, value));
        writePhase(first);
        writePhase(last);
    }

    private void writePhase(Map<String, String> values) {
        List<String> absent = new ArrayList<>();
        values.forEach((name, value) -> {
            if (value == null || value.isEmpty()) {
                absent.add(name);
            } else {
                ssm.putParameter(r -> r.name(name).value(value).type(ParameterType.STRING).overwrite(true));
            }
        });
        for (List<String> chunk : chunks(absent)) {
            // Names that do not exist come back as InvalidParameters, which is what we want: absent.
            ssm.deleteParameters(r -> r.names(chunk));
        }
    }

    /** Every name, in order, with its parameter or null where none exists. */
    private Map<String, Parameter> read(List<String> names) {
        Map<String, Parameter> found = new LinkedHashMap<>();
        for (List<String> chunk : chunks(names)) {
            GetParametersResponse response = ssm.getParameters(r -> r.names(chunk).withDecryption(false));
            response.parameters().forEach(p -> found.put(p.name(), p));
        }
        Map<String, Parameter> all = new LinkedHashMap<>();
        names.forEach(name -> all.put(name, found.get(name)));
        return all;
    }

    private List<String> names(Set<String> databases) {
        List<String> names = new ArrayList<>();
        for (String database : new TreeSet<>(databases)) {
            for (String key : ConnectionSettings.KEYS) {
                names.add(name(database, key));
            }
        }
        return names;
    }

    private String name(String database, String key) {
        return prefix + database + "/" + key;
    }

    private static List<List<String>> chunks(List<String> names) {
        List<List<String>> chunks = new ArrayList<>();
        for (int i = 0; i < names.size(); i += BATCH) {
            chunks.add(List.copyOf(names.subList(i, Math.min(i + BATCH, names.size()))));
        }
        return chunks;
    }

    /** {@code arn:aws:ssm:<region>:*:parameter/catalog-migration/*}, for the message naming what to grant. */
    private String resourceArn() {
        String region;
        try {
            region = ssm.serviceClientConfiguration().region().id();
        } catch (RuntimeException e) {
            region = "*";
        }
        return "arn:aws:ssm:" + region + ":*:parameter" + prefix + "*";
    }

    private static String reason(SdkException e) {
        if (e instanceof AwsServiceException) {
            var aws = (AwsServiceException) e;
            var details = aws.awsErrorDetails();
            String code = details == null ? null : details.errorCode();
            String message = details == null ? aws.getMessage() : details.errorMessage();
            if ("AccessDeniedException".equals(code)) {
                return "access denied (" + message + ")";
            }
            if ("UnrecognizedClientException".equals(code) || "InvalidSignatureException".equals(code)
                    || "ExpiredTokenException".equals(code)) {
                return "the AWS credentials were refused (" + code + ": " + message + ")";
            }
            return (code == null ? "HTTP " + aws.statusCode() : code) + ": " + message;
        }
        return "AWS SSM unreachable or not configured (" + e.getMessage() + ")";
    }

    private static String normalisePrefix(String prefix) {
        String p = prefix == null || prefix.isBlank() ? "/catalog-migration/" : prefix.trim();
        if (!p.startsWith("/")) {
            throw new IllegalArgumentException("cutover.switcher.ssm.prefix must start with '/' (SSM hierarchy), got " + p);
        }
        return p.endsWith("/") ? p : p + "/";
    }

    private static String regionOf(CutoverProperties.Ssm settings, SsmClient ssm) {
        if (settings.region() != null && !settings.region().isBlank()) {
            return settings.region().trim();
        }
        try {
            return ssm.serviceClientConfiguration().region().id() + " from the SDK's default chain";
        } catch (RuntimeException e) {
            return "from the SDK's default chain";
        }
    }
}
