package io.catalogmigration.provisioner;

import io.catalogmigration.provisioner.AwsStub.Call;
import io.catalogmigration.provisioner.AwsStub.Response;
import tools.jackson.databind.json.JsonMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The Secrets Manager JSON API, as far as the provisioner uses it. */
final class StubSecrets {

    static final class Secret {
        final String name;
        final String arn;
        final String value;
        final Map<String, String> tags;
        volatile Long deletedAt;

        Secret(String name, String value, Map<String, String> tags) {
            this.name = name;
            this.arn = "arn:aws:secretsmanager:us-east-1:" + AwsStub.ACCOUNT + ":secret:" + name + "-Xy12Ab";
            this.value = value;
            this.tags = tags;
        }
    }

    private final Map<String, Secret> secrets = new ConcurrentHashMap<>();

    Optional<Secret> secret(String nameOrArn) {
        return secrets.values().stream().filter(s -> s.name.equals(nameOrArn) || s.arn.equals(nameOrArn)).findFirst();
    }

    Response handle(Call call) {
        return switch (call.action()) {
            case "DescribeSecret" -> secret(call.param("SecretId")).map(s -> json(describe(s)))
                    .orElseGet(StubSecrets::notFound);
            case "CreateSecret" -> {
                var secret = new Secret(call.param("Name"), call.param("SecretString"), call.tags());
                secrets.put(secret.name, secret);
                yield json(Map.of("ARN", secret.arn, "Name", secret.name, "VersionId", "v1"));
            }
            case "DeleteSecret" -> secret(call.param("SecretId")).map(s -> {
                s.deletedAt = System.currentTimeMillis() / 1000;
                return json(Map.of("ARN", s.arn, "Name", s.name, "DeletionDate", s.deletedAt + 7 * 86_400));
            }).orElseGet(StubSecrets::notFound);
            default -> AwsStub.error("secretsmanager", "InvalidRequestException", "the stub does not know " + call.action());
        };
    }

    private static Map<String, Object> describe(Secret s) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ARN", s.arn);
        body.put("Name", s.name);
        body.put("Tags", s.tags.entrySet().stream().map(t -> Map.of("Key", t.getKey(), "Value", t.getValue())).toList());
        if (s.deletedAt != null) {
            body.put("DeletedDate", s.deletedAt);
        }
        return body;
    }

    private static Response notFound() {
        return AwsStub.error("secretsmanager", "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }

    private static Response json(Map<String, ?> body) {
        return new Response(200, "application/x-amz-json-1.1", JsonMapper.shared().writeValueAsString(body));
    }

    List<Secret> all() {
        return List.copyOf(secrets.values());
    }
}
