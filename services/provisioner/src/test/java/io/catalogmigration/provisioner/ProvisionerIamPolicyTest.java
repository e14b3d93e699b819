package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.TargetDeprovisioned;
import io.catalogmigration.common.contract.SnapshotTarget;
import io.catalogmigration.common.contract.TargetProvisioned;
import io.catalogmigration.common.contract.TargetSnapshotTaken;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static io.catalogmigration.provisioner.RealParts.CATALOG_INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;

/** The README's IAM policy is the one an operator will paste: it must allow every call the service makes. */
class ProvisionerIamPolicyTest extends ProvisionerTestBase {

    @Test
    void everyAwsCallOfAProvisionAnAdoptionASnapshotAndADeprovisionIsAllowedByTheDocumentedPolicy() throws IOException {
        Set<String> allowed = allowedActions(policy());
        String migration = newMigration();
        int mark = parts.aws.calls().size();

        send(awsTarget(migration, CATALOG_INSTANCE));
        TargetProvisioned target = send(awsTarget(migration, CATALOG_INSTANCE));
        TargetSnapshotTaken snapshot = send(new SnapshotTarget(java.util.UUID.randomUUID(), migration, java.time.Instant.now(),
                "aws", "us-east-1", target.resources().dbInstanceIdentifier(), null));
        assertThat(snapshot.snapshotIdentifier()).contains("-cutover-");
        TargetDeprovisioned removed = send(deprovisionAws(migration, target.resources().dbInstanceIdentifier(), true));

        assertThat(removed.deleted()).hasSize(5);
        var made = new TreeSet<String>();
        parts.aws.callsSince(mark).forEach(c -> made.add(c.api() + ":" + c.action()));
        assertThat(made).hasSizeGreaterThan(15).allSatisfy(action -> assertThat(allowed).as("policy actions").contains(action));
    }

    /** The JSON block under "## IAM permissions" in the service's README. */
    static JsonNode policy() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("## IAM permissions"));
        int start = section.indexOf("```json\n") + "```json\n".length();
        return JsonMapper.shared().readTree(section.substring(start, section.indexOf("```", start)));
    }

    static Set<String> allowedActions(JsonNode policy) {
        Set<String> actions = new TreeSet<>();
        for (JsonNode statement : policy.get("Statement")) {
            assertThat(statement.get("Effect").asString()).isEqualTo("Allow");
            JsonNode action = statement.get("Action");
            if (action.isArray()) {
                action.forEach(a -> actions.add(a.asString()));
            } else {
                actions.add(action.asString());
            }
        }
        return actions;
    }
}
