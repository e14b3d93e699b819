package io.catalogmigration.common.secret;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StoredReferencesTest {

    @Test
    void aPastedPasswordWhereAReferenceBelongsIsNotKeptButValidReferencesAre() {
        String command = """
                {"type":"StartReplication","source":{"host":"db","passwordRef":"hunter2"},
                 "target":{"host":"rds","passwordRef":"env:TARGET_PASSWORD"},
                 "replicationPasswordRef":"env:Pasted-Pr0d-Secret",
                 "rolePasswordRefs":{"alation":"file:/run/secrets/alation","reader":"correct horse"},
                 "databases":["rosemeta"]}""";

        String stored = StoredReferences.withoutInvalid(command);

        assertThat(stored).doesNotContain("hunter2").doesNotContain("Pr0d").doesNotContain("correct horse")
                .contains("env:TARGET_PASSWORD").contains("file:/run/secrets/alation").contains("rosemeta")
                .contains(StoredReferences.NOT_STORED);
    }

    @Test
    void aCommandWithOnlyValidReferencesIsStoredAsItCame() {
        String command = "{\"database\":{\"host\":\"db\",\"passwordRef\":\"env:SOURCE_PASSWORD\"},\"batchSize\":100}";

        assertThat(StoredReferences.withoutInvalid(command)).isEqualTo(command);
    }

    @Test
    void eachInvalidReferenceIsNamedByItsFieldAndNeverQuoted() {
        String command = """
                {"source":{"host":"db","passwordRef":"hunter2"},"databases":[{"passwordRef":"env:Pasted-Pr0d-Secret"}],
                 "target":{"passwordRef":"env:TARGET_PASSWORD"},"rolePasswordRefs":{"reader":"correct horse"}}""";

        var problems = StoredReferences.problems(command);

        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).startsWith("source.passwordRef is not a secret reference (value not shown)");
        assertThat(problems.get(1)).startsWith("databases[0].passwordRef is not a secret reference");
        assertThat(problems.get(2)).startsWith("rolePasswordRefs.reader is not a secret reference");
        assertThat(String.join(" ", problems)).doesNotContain("hunter2").doesNotContain("Pr0d").doesNotContain("horse");
        assertThat(StoredReferences.problems("{\"database\":{\"passwordRef\":\"env:SOURCE_PASSWORD\"}}")).isEmpty();
    }

    @Test
    void aReferenceToTheServicesOwnSecretIsNamedWithTheInvalidOnesWhateverItsHost() {
        var policy = SecretPolicy.allowing(java.util.List.of("env:*"), java.util.List.of("*"), false);
        String command = """
                {"source":{"host":"db","passwordRef":"env:CONTROL_DB_PASSWORD"},
                 "target":{"host":"rds","passwordRef":"hunter2"},
                 "rolePasswordRefs":{"alation":"file:/proc/self/environ","reader":"env:READER_PASSWORD"}}""";

        var problems = StoredReferences.problems(command, policy::reservedProblem);

        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).startsWith("source.passwordRef: secret env:CONTROL_DB_PASSWORD is one of this service's own");
        assertThat(problems.get(1)).startsWith("target.passwordRef is not a secret reference");
        assertThat(problems.get(2)).startsWith("rolePasswordRefs.alation: secret file:/proc/self/environ is one of");
        assertThat(StoredReferences.problems(command)).as("without a policy only the invalid one").hasSize(1);
    }
}
