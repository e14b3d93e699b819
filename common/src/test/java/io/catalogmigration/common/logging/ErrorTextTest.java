package io.catalogmigration.common.logging;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorTextTest {

    @Test
    void theServersDetailAndContextAreCutFromAnyText() {
        String pgjdbc = """
                ERROR: new row for relation "account" violates check constraint "account_check"
                  Detail: Failing row contains (7, alice@example.com, s3cr3t-hash).
                  Where: PL/pgSQL function f() line 3 at SQL statement""";

        assertThat(ErrorText.clean(pgjdbc)).isEqualTo(
                "ERROR: new row for relation \"account\" violates check constraint \"account_check\"");
        assertThat(ErrorText.clean("boom\n  Where: SQL statement \"delete from t where secret = 'x'\"")).isEqualTo("boom");
    }

    @Test
    void aWrappedErrorGivesItsRootCauseWithoutTheDetail() {
        var cause = new SQLException("ERROR: duplicate key value violates unique constraint \"k\"\n  Detail: Key (email)=(bob@example.com) already exists.");
        var wrapped = new IllegalStateException("batch 1 failed", cause);

        assertThat(ErrorText.rootCause(wrapped)).isEqualTo("SQLException: ERROR: duplicate key value violates unique constraint \"k\"");
    }

    @Test
    void controlCharactersBecomeSpacesAndTheTextIsBounded() {
        assertThat(ErrorText.clean("a\tb\u001b[2Jc\u202Ed")).isEqualTo("a b [2Jc d");
        assertThat(ErrorText.clean("y".repeat(5000))).hasSize(ErrorText.MAX_LENGTH).endsWith("...");
        assertThat(ErrorText.clean(null)).isEqualTo("null");
    }
}
