package io.catalogmigration.provisioner;

import io.catalogmigration.common.run.MigrationProblem;

import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;
import tools.jackson.databind.json.JsonMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The application user's password, generated here and handed straight to Secrets Manager in the shape RDS uses for
 * its own secrets (so {@code aws-secretsmanager:<arn>#password} resolves it). Nothing else ever sees it.
 */
class AppUserSecret {

    static String ensure(SecretsManagerClient secrets, ResourceNames names, String appUser, DBInstance instance,
                         String migrationId, RunSteps run) {
        var existing = find(secrets, names.secret());
        if (existing.isPresent()) {
            var secret = existing.get();
            if (secret.deletedDate() != null) {
                throw MigrationProblem.withCode("secret " + names.secret() + " is scheduled for deletion",
                        "restore it (aws secretsmanager restore-secret --secret-id " + secret.arn() + ") or wait until it is "
                                + "deleted, then send the command again with a new commandId", null);
            }
            Ownership.require(tags(secret), migrationId, "secret " + names.secret());
            run.resource("secret " + secret.arn(), true);
            return secret.arn();
        }
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("engine", "postgres");
        value.put("host", instance.endpoint().address());
        value.put("port", instance.endpoint().port());
        value.put("username", appUser);
        value.put("password", Passwords.generate());
        String arn = secrets.createSecret(b -> b.name(names.secret())
                .description("Password of " + appUser + " on " + instance.dbInstanceIdentifier() + " (catalog-migration "
                        + migrationId + ")")
                .secretString(JsonMapper.shared().writeValueAsString(value))
                .tags(tags(migrationId))).arn();
        run.resource("secret " + arn, false);
        return arn;
    }

    static Optional<DescribeSecretResponse> find(SecretsManagerClient secrets, String name) {
        try {
            return Optional.of(secrets.describeSecret(b -> b.secretId(name)));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    static Map<String, String> tags(DescribeSecretResponse secret) {
        return Ownership.tags(secret.tags(), Tag::key, Tag::value);
    }

    static List<Tag> tags(String migrationId) {
        return List.of(Tag.builder().key(ResourceNames.TAG_MIGRATION).value(migrationId).build(),
                Tag.builder().key(ResourceNames.TAG_MANAGED_BY).value(ResourceNames.MANAGED_BY).build());
    }
}
