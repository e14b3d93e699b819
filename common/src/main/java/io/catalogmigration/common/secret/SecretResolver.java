package io.catalogmigration.common.secret;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Turns a secret reference into the secret, at the last moment, without ever logging it, and only for a server the
 * {@link SecretPolicy} binds that reference to: a command names both, and must not be able to pick the pair.
 */
public class SecretResolver {

    private final Function<String, String> environment;
    private final Supplier<SecretsManagerClient> secretsManager;
    private final SecretPolicy policy;
    private volatile SecretsManagerClient client;

    public SecretResolver(Function<String, String> environment, Supplier<SecretsManagerClient> secretsManager,
                          SecretPolicy policy) {
        this.environment = environment;
        this.secretsManager = secretsManager;
        this.policy = policy;
    }

    public static SecretResolver fromEnvironment(SecretPolicy policy) {
        return new SecretResolver(System::getenv, SecretsManagerClient::create, policy);
    }

    /**
     * The secret behind {@code reference}, to be sent to {@code host} and nowhere else. Throws
     * {@link SecretUnavailableException} naming a valid reference (never an invalid one, which may be a password) when
     * it is not a reference, is reserved, is not bound to that host, or cannot be read.
     */
    public String resolve(String reference, String host) {
        SecretRef ref = SecretRef.parse(reference);
        policy.permit(ref, host);
        return read(ref);
    }

    /**
     * Refuses, as {@link #resolve} would, a reference that may not be sent to {@code host}: for a secret that travels
     * through a second server (a subscription's password is stored on the subscriber and sent to the publisher).
     */
    public void permit(String reference, String host) {
        policy.permit(SecretRef.parse(reference), host);
    }

    /** Whether the operator allowed clear-text or md5 password authentication for this secret on this host. */
    public boolean clearTextAllowed(String reference, String host) {
        return policy.permit(SecretRef.parse(reference), host).clearTextPassword();
    }

    private String read(SecretRef ref) {
        if (ref instanceof SecretRef.Env env) {
            String value = environment.apply(env.name());
            if (value == null || value.isEmpty()) {
                throw new SecretUnavailableException("secret " + ref + " is not set: export " + env.name()
                        + " in the environment of the service that reads it");
            }
            return value;
        }
        if (ref instanceof SecretRef.File file) {
            try {
                return stripNewline(Files.readString(file.path(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new SecretUnavailableException("secret " + ref + " cannot be read (" + e.getClass().getSimpleName()
                        + "): check that the file exists and is readable by the service's user");
            }
        }
        return fromSecretsManager((SecretRef.AwsSecretsManager) ref);
    }

    private String fromSecretsManager(SecretRef.AwsSecretsManager ref) {
        String value;
        try {
            value = client().getSecretValue(b -> b.secretId(ref.secretId())).secretString();
        } catch (RuntimeException e) {
            throw new SecretUnavailableException("secret " + ref + " cannot be read from AWS Secrets Manager ("
                    + e.getClass().getSimpleName() + "): check the ARN, the region and secretsmanager:GetSecretValue permission");
        }
        if (value == null) {
            throw new SecretUnavailableException("secret " + ref + " has no string value");
        }
        String trimmed = value.trim();
        if (!trimmed.startsWith("{")) {
            return value;
        }
        String key = ref.jsonKey() == null ? "password" : ref.jsonKey();
        JsonNode json;
        try {
            json = JsonMapper.shared().readTree(trimmed);
        } catch (JacksonException e) {
            // Jackson quotes the offending token, which is part of the secret: keep neither its message nor the cause.
            throw new SecretUnavailableException("secret " + ref + " starts like JSON but is not valid JSON (details not"
                    + " shown: they would quote the secret): store a JSON object with a string field '" + key
                    + "' or the password alone");
        }
        var node = json.get(key);
        if (node == null || !node.isString()) {
            throw new SecretUnavailableException("secret " + ref + " is JSON without a string field '" + key + "'");
        }
        return node.asString();
    }

    private SecretsManagerClient client() {
        if (client == null) {
            synchronized (this) {
                if (client == null) {
                    client = secretsManager.get();
                }
            }
        }
        return client;
    }

    private static String stripNewline(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        return s.substring(0, end);
    }
}
