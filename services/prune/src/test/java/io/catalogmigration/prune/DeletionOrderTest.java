package io.catalogmigration.prune;

import io.catalogmigration.common.contract.PrunedTable;
import io.catalogmigration.common.pg.Catalog.ForeignKey;
import io.catalogmigration.common.pg.TableName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class DeletionOrderTest {

    @Test
    void childrenAreDeletedInEarlierPhasesThanTheTablesTheyReference() {
        var tables = List.of(plan("session"), plan("event"), plan("mention"), plan("metrics"));
        var keys = List.of(fk("event", "session_id", "session"), fk("mention", "event_id", "event"));

        var levels = levels(DeletionOrder.assign(tables, keys, new ArrayList<>()));

        assertThat(levels).isEqualTo(Map.of("mention", 0, "metrics", 0, "event", 1, "session", 2));
    }

    @Test
    void aParentGetsAGuardForEveryForeignKeyPointingAtIt() {
        var ordered = DeletionOrder.assign(List.of(plan("session"), plan("event")),
                List.of(fk("event", "session_id", "session")), new ArrayList<>());

        var session = ordered.stream().filter(t -> t.table().equals("session")).findFirst().orElseThrow();
        assertThat(session.guards()).containsExactly(new Guard("event", List.of("session_id"), List.of("id")));
        assertThat(ordered.stream().filter(t -> t.table().equals("event")).findFirst().orElseThrow().guards()).isEmpty();
    }

    @Test
    void aCycleIsReportedAndStillTerminates() {
        List<String> notes = new ArrayList<>();
        var ordered = DeletionOrder.assign(List.of(plan("a"), plan("b")),
                List.of(fk("a", "b_id", "b"), fk("b", "a_id", "a")), notes);

        assertThat(ordered).hasSize(2);
        assertThat(notes).anyMatch(n -> n.contains("cycle"));
    }

    @Test
    void aSelfReferenceDoesNotRaiseTheLevelButIsGuarded() {
        var ordered = DeletionOrder.assign(List.of(plan("node")), List.of(fk("node", "parent_id", "node")), new ArrayList<>());

        assertThat(ordered.get(0).level()).isZero();
        assertThat(ordered.get(0).guards()).hasSize(1);
    }

    private static Map<String, Integer> levels(List<TablePlan> plans) {
        return plans.stream().collect(Collectors.toMap(TablePlan::table, TablePlan::level));
    }

    private static TablePlan plan(String table) {
        return new TablePlan("g", table, "id", "ts", Instant.EPOCH, PrunedTable.Status.PRUNED, 10, 5, 1, 10, 0, List.of(), null);
    }

    private static ForeignKey fk(String child, String column, String parent) {
        return new ForeignKey(TableName.parse(child), List.of(column), TableName.parse(parent), List.of("id"));
    }
}
