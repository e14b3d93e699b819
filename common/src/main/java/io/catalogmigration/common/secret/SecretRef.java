package io.catalogmigration.common.secret;

import java.nio.file.Path;

/** Where a secret lives: commands and events carry these, never the secret itself. */
public sealed interface SecretRef {

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

    static SecretRef parse(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new SecretUnavailableException("no secret reference given: use env:NAME, file:/path or aws-secretsmanager:arn");
        }
        int colon = reference.indexOf(':');
        String scheme = colon < 0 ? "" : reference.substring(0, colon);
        String rest = colon < 0 ? "" : reference.substring(colon + 1);
        if (rest.isBlank()) {
            throw unknown(scheme);
        }
        return switch (scheme) {
            case "env" -> new Env(rest);
            case "file" -> new File(Path.of(rest));
            case "aws-secretsmanager" -> {
                int hash = rest.lastIndexOf('#');
                yield hash < 0 ? new AwsSecretsManager(rest, null)
                        : new AwsSecretsManager(rest.substring(0, hash), rest.substring(hash + 1));
            }
            default -> throw unknown(scheme);
        };
    }

    private static SecretUnavailableException unknown(String scheme) {
        // The reference may be a pasted password, in part or whole: name only the schemes we know, never echo it.
        return new SecretUnavailableException("a secret reference must be env:NAME, file:/path or aws-secretsmanager:arn"
                + "; commands carry references, never passwords");
    }
}
