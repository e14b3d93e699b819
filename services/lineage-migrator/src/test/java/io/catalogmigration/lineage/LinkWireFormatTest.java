package io.catalogmigration.lineage;

import io.catalogmigration.common.kafka.MessageJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A link travels as a six-element array, written and read by hand; anything else is unreadable, not guessed at. */
class LinkWireFormatTest {

    @Test
    void aMessageOfLinksTravelsAsArraysAndReadsBackEqual() {
        var batch = new LinkBatch(UUID.randomUUID(), "mig", 7, 700, false, List.of(
                new Link(1, "table", 2, "attribute", false, true),
                new Link(Long.MAX_VALUE, "bi_report", -3, "é \"quoted\" \\ tab\t", true, false)));

        String json = MessageJson.mapper().writeValueAsString(batch);

        assertThat(json).contains("\"links\":[[1,\"table\",2,\"attribute\",false,true],[" + Long.MAX_VALUE + ",\"bi_report\",-3,");
        assertThat(MessageJson.mapper().readValue(json, LinkBatch.class)).isEqualTo(batch);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "{\"source\":1,\"sourceOtype\":\"table\",\"target\":2,\"targetOtype\":\"table\",\"sourceTemp\":false,\"targetTemp\":false}",
            "[1,\"table\",2,\"table\",false]",
            "[1,\"table\",2,\"table\",false,false,\"extra\"]",
            "[\"1\",\"table\",2,\"table\",false,false]",
            "[1.5,\"table\",2,\"table\",false,false]",
            "[1,null,2,\"table\",false,false]",
            "[1,\"table\",2,\"table\",0,false]"})
    void aLinkOfAnyOtherShapeIsUnreadable(String link) {
        String json = "{\"runId\":\"" + UUID.randomUUID() + "\",\"migrationId\":\"m\",\"seq\":0,\"firstOrdinal\":0,"
                + "\"lastBatch\":true,\"links\":[" + link + "]}";

        assertThatThrownBy(() -> MessageJson.mapper().readValue(json, LinkBatch.class))
                .hasMessageContaining("a link is [source, sourceOtype, target, targetOtype, sourceTemp, targetTemp]");
    }
}
