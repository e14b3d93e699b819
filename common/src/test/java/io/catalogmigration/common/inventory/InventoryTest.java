package io.catalogmigration.common.inventory;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InventoryTest {

    private static Inventory of(Inventory.Item... items) {
        Map<String, Inventory.Item> map = new LinkedHashMap<>();
        for (Inventory.Item item : items) {
            map.put(item.key(), item);
        }
        return new Inventory(map);
    }

    private static Inventory.Item grant(String on, String to) {
        return new Inventory.Item("grant", "on table " + on + " to " + to, "SELECT");
    }

    private static Inventory.Item table(String name) {
        return new Inventory.Item("table", name, "logged");
    }

    @Test
    void theReplicationUsersGrantsAreTheMigrationsAndNotCountedAsLost() {
        var source = of(table("public.a"), grant("public.a", "replicator"), grant("public.a", "alation_db"));
        var target = of(table("public.a"), grant("public.a", "alation_db"));

        assertThat(source.lostOn(target)).extracting(l -> l.item().key())
                .containsExactly("grant on table public.a to replicator");
        assertThat(source.withoutGrantsTo(List.of("replicator")).lostOn(target)).isEmpty();
    }

    @Test
    void onlyGrantsToTheNamedRolesAreLeftOutNotTheirNamesakesOrOtherKinds() {
        var source = of(table("public.replicator"), grant("public.a", "not_replicator_x"), grant("public.a", "replicator"));

        assertThat(source.withoutGrantsTo(List.of("replicator")).items().keySet())
                .containsExactly("table public.replicator", "grant on table public.a to not_replicator_x");
    }

    @Test
    void anAcceptedObjectTakesItsGrantsWithItAndNothingElse() {
        var source = of(table("public.import_log"), grant("public.import_log", "alation"), table("public.b"));
        var target = of();

        var losses = source.lostOn(target);

        assertThat(Inventory.unaccepted(losses, List.of("table public.import_log"))).extracting(l -> l.item().key())
                .containsExactly("table public.b");
    }
}
