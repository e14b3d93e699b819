package io.catalogmigration.common.pg;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Dropping a subscription on the target and its replication slots on the source (the replicator's reset, the cutover). */
public final class Subscriptions {

    /**
     * Drops the subscription of the connection's database, detaching its slot first so the drop works even when the
     * source is unreachable. Returns the subscription's oid (its table-sync slots are named after it), or null when
     * there was none.
     */
    public static String dropOnTarget(Connection target, String subscription) throws SQLException {
        String oid = Sql.one(target, "select oid::text from pg_subscription where subname = ? and subdbid = "
                + "(select oid from pg_database where datname = current_database())", subscription);
        if (oid != null) {
            String quoted = SqlIdentifier.quote(subscription);
            try (var statement = target.createStatement()) {
                statement.execute("ALTER SUBSCRIPTION " + quoted + " DISABLE");
                statement.execute("ALTER SUBSCRIPTION " + quoted + " SET (slot_name = NONE)");
                statement.execute("DROP SUBSCRIPTION " + quoted);
            }
        }
        return oid;
    }

    /**
     * True when the subscription's apply worker runs. Until the launcher starts it nothing moves, so a small lag
     * proves nothing.
     */
    public static boolean applyWorkerRunning(Connection target, String subscription) throws SQLException {
        return Sql.exists(target, "select 1 from pg_stat_subscription where subname = ? and pid is not null and relid is null",
                subscription);
    }

    /**
     * Drops the slot and the table-sync slots ({@code pg_<suboid>_sync_...}) of a subscription, ending a walsender
     * still using them. True when the main slot existed.
     */
    public static boolean dropSlots(Connection source, String slot, String subscriptionOid) throws SQLException {
        List<String> slots = new ArrayList<>(Sql.strings(source, "select slot_name::text from pg_replication_slots where slot_name = ?", slot));
        if (subscriptionOid != null) {
            slots.addAll(Sql.strings(source, "select slot_name::text from pg_replication_slots where slot_name like ?",
                    "pg\\_" + subscriptionOid + "\\_sync\\_%"));
        }
        boolean waitsServerSide = source.getMetaData().getDatabaseMajorVersion() >= 14;
        for (String name : slots) {
            for (int attempt = 0; attempt < 50; attempt++) {
                String pid = Sql.one(source, "select active_pid::text from pg_replication_slots where slot_name = ? and active", name);
                if (pid == null) {
                    break;
                }
                // The server waits (up to 1 s) for the walsender to exit; before PostgreSQL 14 it waits in pg_sleep.
                if (waitsServerSide) {
                    Sql.strings(source, "select pg_terminate_backend(?::int, 1000)::text", pid);
                } else {
                    Sql.strings(source, "select pg_terminate_backend(?::int)::text", pid);
                    Sql.strings(source, "select pg_sleep(0.1)::text");
                }
            }
            Sql.strings(source, "select pg_drop_replication_slot(slot_name)::text from pg_replication_slots where slot_name = ?", name);
        }
        return slots.contains(slot);
    }

    private Subscriptions() {
    }
}
