package io.catalogmigration.common.pg;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SqlIdentifierTest {

    @Test
    void aPlainNameIsWrappedInDoubleQuotes() {
        assertThat(SqlIdentifier.quote("query_log_item")).isEqualTo("\"query_log_item\"");
    }

    @Test
    void anEmbeddedDoubleQuoteIsDoubled() {
        assertThat(SqlIdentifier.quote("a\"b")).isEqualTo("\"a\"\"b\"");
    }

    @Test
    void mixedCaseAndSpacesArePreservedNotFolded() {
        assertThat(SqlIdentifier.quote("Query Log")).isEqualTo("\"Query Log\"");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "x\"; drop table run; --",
            "x\" or \"1\"=\"1",
            "\"",
            "\"\"",
            "a'b",
            "public\".\"run"})
    void aNameThatLooksLikeInjectionStaysOneQuotedIdentifier(String hostile) {
        String quoted = SqlIdentifier.quote(hostile);

        assertThat(quoted).startsWith("\"").endsWith("\"");
        String inside = quoted.substring(1, quoted.length() - 1);
        // Inside a quoted identifier only a doubled quote is allowed; a lone one would end the identifier.
        assertThat(inside.replace("\"\"", "")).doesNotContain("\"");
        // Undoing the doubling gives back exactly what came in: nothing was dropped or added.
        assertThat(inside.replace("\"\"", "\"")).isEqualTo(hostile);
    }

    @Test
    void anEmptyOrMissingNameIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> SqlIdentifier.quote("")).withMessageContaining("empty");
        assertThatIllegalArgumentException().isThrownBy(() -> SqlIdentifier.quote(null)).withMessageContaining("empty");
    }

    @Test
    void aNameWithANulCharacterIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> SqlIdentifier.quote("run\0; drop table run"))
                .withMessageContaining("NUL");
    }

    @Test
    void sixtyThreeCharactersIsTheLongestNamePostgresKeeps() {
        String longest = "t".repeat(63);

        assertThat(SqlIdentifier.quote(longest)).isEqualTo("\"" + longest + "\"");
        assertThatIllegalArgumentException().isThrownBy(() -> SqlIdentifier.quote(longest + "t"))
                .withMessageContaining("63");
    }

    @Test
    void theLimitIsSixtyThreeBytesNotCharacters() {
        String thirtyTwoTwoByteLetters = "é".repeat(32);

        assertThatIllegalArgumentException().isThrownBy(() -> SqlIdentifier.quote(thirtyTwoTwoByteLetters))
                .withMessageContaining("63 bytes");
        assertThat(SqlIdentifier.quote("é".repeat(31))).startsWith("\"");
    }
}
