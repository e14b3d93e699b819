package io.catalogmigration.prune;

import io.catalogmigration.common.pg.Catalog.ForeignKey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Children before parents: a table's level is one more than the highest level of the pruned tables that reference
 * it, so all rows that could block a parent's delete are gone before its phase starts. Foreign keys also become
 * guards, so a parent row still referenced by a newer child is kept rather than failing the batch.
 */
final class DeletionOrder {

    static List<TablePlan> assign(List<TablePlan> tables, List<ForeignKey> foreignKeys, List<String> notes) {
        Map<String, Integer> level = new HashMap<>();
        tables.forEach(t -> level.put(t.table(), 0));
        boolean changed = true;
        int rounds = 0;
        while (changed && rounds++ <= tables.size()) {
            changed = false;
            for (ForeignKey fk : foreignKeys) {
                String child = fk.child().toString();
                String parent = fk.parent().toString();
                if (child.equals(parent) || !level.containsKey(child) || !level.containsKey(parent)) {
                    continue;
                }
                int wanted = level.get(child) + 1;
                if (level.get(parent) < wanted) {
                    level.put(parent, wanted);
                    changed = true;
                }
            }
        }
        if (changed) {
            notes.add("the foreign keys among the pruned tables form a cycle; rows still referenced inside it are kept");
        }
        List<TablePlan> ordered = new ArrayList<>();
        for (TablePlan t : tables) {
            List<Guard> guards = foreignKeys.stream()
                    .filter(fk -> fk.parent().toString().equals(t.table()))
                    .map(fk -> new Guard(fk.child().toString(), fk.childColumns(), fk.parentColumns()))
                    .toList();
            ordered.add(t.withLevel(Math.min(level.get(t.table()), tables.size()), guards));
        }
        return ordered;
    }

    private DeletionOrder() {
    }
}
