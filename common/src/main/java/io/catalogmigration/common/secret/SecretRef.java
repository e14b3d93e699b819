package io.catalogmigration.common.secret;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a secret lives: commands and events carry these, never the secret itself. The forms are strict so that a
 * password pasted where a reference belongs (whole, or after a valid scheme) is recognised as not a reference and is
 * never echoed, logged or stored: see {@link #problem(String)}.
 */
public sealed interface SecretRef {

    String FORMS = "env:NAME, file:/absolute/path or aws-secretsmanager:<secret ARN or name>[#key]";

    /** A variable name as shells write them. */
    Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    /** An absolute path of printable characters without spaces; {@code .} and {@code ..} segments are refused below. */
    Pattern FILE_PATH = Pattern.compile("/[A-Za-z0-9_./@+=,~-]{0,1023}");
    /** A Secrets Manager ARN or name (the characters AWS allows in both), then an optional JSON key. */
    Pattern AWS_SECRET = Pattern.compile("[A-Za-z0-9:/_+=.@!-]{1,2048}(#[A-Za-z0-9_.-]{1,128})?");

    record Env(String name) implements SecretRef {
        @Override
        public String toString() {
            return "env:" + name;
        }
    }

    record File(Path path) implements SecretRef {
        @Override
        public String toString() {
            return "file:" + path;
        }
    }

    /** An AWS Secrets Manager secret; a JSON secret is read at {@code jsonKey} (default {@code password}). */
    record AwsSecretsManager(String secretId, String jsonKey) implements SecretRef {
        @Override
        public String toString() {
            return "aws-secretsmanager:" + secretId + (jsonKey == null ? "" : "#" + jsonKey);
        }
    }

    /** The one definition of a valid reference: the services, the ledger and the CLI all use it. */
    static boolean isValid(String reference) {
        return problem(reference).isEmpty();
    }

    /** Why this is not a reference, in words that never quote it (it may be a password); empty when it is one. */
    static Optional<String> problem(String reference) {
        if (reference == null || reference.isBlank()) {
            return Optional.of("no secret reference given: use env:NAME, file:/path or aws-secretsmanager:arn");
        }
        int colon = reference.indexOf(':');
        String scheme = colon < 0 ? "" : reference.substring(0, colon);
        String rest = colon < 0 ? "" : reference.substring(colon + 1);
        boolean valid = switch (scheme) {
            case "env" -> ENV_NAME.matcher(rest).matches();
            case "file" -> FILE_PATH.matcher(rest).matches() && normalised(rest);
            case "aws-secretsmanager" -> AWS_SECRET.matcher(rest).matches();
            default -> false;
        };
        // The reference may be a pasted password, in part or whole: name only the forms, never echo it.
        return valid ? Optional.empty() : Optional.of("not a secret reference (value not shown): a secret reference must be "
                + FORMS + "; commands carry references, never passwords");
    }

    static SecretRef parse(String reference) {
        problem(reference).ifPresent(p -> {
            throw new SecretUnavailableException(p);
        });
        int colon = reference.indexOf(':');
        String scheme = reference.substring(0, colon);
        String rest = reference.substring(colon + 1);
        return switch (scheme) {
            case "env" -> new Env(rest);
            case "file" -> new File(Path.of(rest));
            default -> {
                int hash = rest.lastIndexOf('#');
                yield hash < 0 ? new AwsSecretsManager(rest, null)
                        : new AwsSecretsManager(rest.substring(0, hash), rest.substring(hash + 1));
            }
        };
    }

    /** No {@code .}, {@code ..} or empty segment: the path names the file it shows, so a directory rule holds. */
    private static boolean normalised(String path) {
        if (path.length() > 1 && path.endsWith("/")) {
            return false;
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
