package io.catalogmigration.common.secret;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.function.Function;
import java.util.function.Supplier;

/** Turns a secret reference into the secret, at the last moment, without ever logging it. */
public class SecretResolver {

    private final Function<String, String> environment;
    private final Supplier<SecretsManagerClient> secretsManager;
    private volatile SecretsManagerClient client;

    public SecretResolver(Function<String, String> environment, Supplier<SecretsManagerClient> secretsManager) {
        this.environment = environment;
        this.secretsManager = secretsManager;
    }

    public static SecretResolver fromEnvironment() {
        return new SecretResolver(System::getenv, SecretsManagerClient::create);
    }

    public String resolve(String reference) {
        SecretRef ref = SecretRef.parse(reference);
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
        var node = JsonMapper.shared().readTree(trimmed).get(key);
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
