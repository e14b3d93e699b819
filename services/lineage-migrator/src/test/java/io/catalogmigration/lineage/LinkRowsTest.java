package io.catalogmigration.lineage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The link stream's COPY rows, read as the server writes them. */
class LinkRowsTest {

    private final LinkRows rows = new LinkRows();

    @Test
    void aPlainRowBecomesItsLink() {
        assertThat(read("12\ttable\t-34\tbi_report\tf\tt\n"))
                .isEqualTo(new Link(12, "table", -34, "bi_report", false, true));
    }

    @Test
    void copyEscapesInATypeAreUndone() {
        assertThat(read("1\ttab\\there\\\\x\t2\tline\\nbreak\\r\\b\\f\\v\tt\tf\n"))
                .isEqualTo(new Link(1, "tab\there\\x", 2, "line\nbreak\r\b\f\u000b", true, false));
        assertThat(read("1\t\\101\\x42\\q\t2\tnaïve\tf\tf\n").sourceOtype()).isEqualTo("ABq");
        assertThat(read("1\ta\t2\tnaïve\tf\tf\n").targetOtype()).isEqualTo("naïve");
    }

    @Test
    void aRepeatedTypeIsOneStringAndTypesNeverMix() {
        var first = read("1\ttable\t2\tattribute\tf\tf\n");
        var second = read("3\ttable\t4\ttablex\tf\tf\n");

        assertThat(second.sourceOtype()).isSameAs(first.sourceOtype());
        assertThat(second.targetOtype()).isEqualTo("tablex");
        assertThat(read("5\tattribute\t6\ttable\tf\tf\n").sourceOtype()).isSameAs(first.targetOtype());
    }

    @Test
    void aNullTypeStaysNullAndANullIdIsRefusedByName() {
        assertThat(read("1\t\\N\t2\ttable\tf\tf\n").sourceOtype()).isNull();
        assertThatThrownBy(() -> read("1\ttable\t\\N\ttable\tf\tf\n")).hasMessageContaining("target is null");
    }

    private Link read(String row) {
        return rows.link(row.getBytes(StandardCharsets.UTF_8));
    }
}
