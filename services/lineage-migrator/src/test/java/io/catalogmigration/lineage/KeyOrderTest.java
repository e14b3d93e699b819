package io.catalogmigration.lineage;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A poll's links are written in the edge key's order, whatever order the stream gave them in. */
class KeyOrderTest {

    @Test
    void linksInTheStreamsOrderComeOutInTheEdgeKeysOrderAndNoneIsLost() {
        var stream = List.of(
                new Link(1, "table", 9, "table", false, false),
                new Link(1, "table", 3, "bi_report", false, true),
                new Link(2, "attribute", 1, "table", false, false),
                new Link(3, "table", 2, "attribute", true, false),
                new Link(4, "attribute", 7, "attribute", false, false),
                new Link(4, "attribute", 5, "attribute", false, false));

        assertThat(GraphWriter.inKeyOrder(stream)).containsExactly(
                new Link(2, "attribute", 1, "table", false, false),
                new Link(4, "attribute", 5, "attribute", false, false),
                new Link(4, "attribute", 7, "attribute", false, false),
                new Link(1, "table", 3, "bi_report", false, true),
                new Link(1, "table", 9, "table", false, false),
                new Link(3, "table", 2, "attribute", true, false));
    }

    @Test
    void aMissingTypeIsKeptForTheDatabaseToRefuse() {
        var links = List.of(new Link(1, "table", 2, "table", false, false), new Link(1, null, 2, null, false, false));

        assertThat(GraphWriter.inKeyOrder(links)).hasSize(2).first().extracting(Link::sourceOtype).isNull();
    }
}
