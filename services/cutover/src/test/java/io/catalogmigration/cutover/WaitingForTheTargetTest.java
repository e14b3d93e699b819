package io.catalogmigration.cutover;

import io.catalogmigration.common.pg.ReplicationNames;
import io.catalogmigration.common.verify.Applied;
import io.catalogmigration.common.verify.ChangeLog;
import io.catalogmigration.common.verify.ChunkVerifier;
import io.catalogmigration.common.verify.DeltaPass;
import io.catalogmigration.common.verify.Relation;
import io.catalogmigration.testkit.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What waiting for the target promises, on a real subscription.
 * <ul>
 * <li>An application that commits with {@code synchronous_commit = off} sees its write committed before the write's
 * WAL is written out (here for up to five seconds: {@code wal_writer_delay}). The source's <em>written</em> WAL
 * position is then behind that commit, and a subscriber that reached it has not applied the write: the cutover would
 * switch without it, the online check would call the row missing. Both waits must hold the write when they return.
 * <li>A target that has not caught up within the apply timeout is late, not wrong: the row is left to the next pass,
 * which compares it again, so a row that never arrives is still named.
 * </ul>
 */
class WaitingForTheTargetTest {

    private static final String DATABASE = "asyncapp";
    private static final String SLOT = ReplicationNames.of(DATABASE).slot();

    static PostgresCluster source;
    static PostgresCluster target;

    @BeforeAll
    static void subscribeTheTargetToASourceThatCommitsAsynchronously() throws Exception {
        source = PostgresCluster.builder("async-commit-source").logical().fast().setting("wal_writer_delay", "5s").start();
        target = PostgresCluster.builder("async-commit-target").fast().start();
        source.createDatabase(DATABASE);
        target.createDatabase(DATABASE);
        String table = "create table item (id int primary key, body text not null)";
        source.execute(DATABASE, table, "create publication " + SLOT + " for table item",
                "select pg_create_logical_replication_slot('" + SLOT + "', 'pgoutput')");
        target.execute(DATABASE, table, "create subscription " + SLOT + " connection 'host=" + source.host() + " port="
                + source.port() + " dbname=" + DATABASE + " user=" + source.superuser() + " password=" + source.password()
                + "' publication " + SLOT + " with (create_slot = false, slot_name = '" + SLOT + "', copy_data = false)");
        // Streaming before the test begins: a write committed synchronously arrives.
        source.execute(DATABASE, "set synchronous_commit = on", "insert into item values (0, 'warm-up')");
        await().atMost(Duration.ofSeconds(60)).until(() -> onTarget(0));
    }

    @AfterAll
    static void stop() {
        if (target != null) target.close();
        if (source != null) source.close();
    }

    @Test
    void theCutoversCatchUpReturnsOnlyOnceTheTargetHoldsAWriteCommittedAsynchronously() throws Exception {
        writeAsynchronously(1);
        try (Connection admin = source.connect(DATABASE)) {
            CatchUp.awaitConfirmed(admin, new String[]{SLOT}, Duration.ofSeconds(60));
        }

        assertThat(onTarget(1)).as("the write committed before the catch-up began is on the target when it ends").isTrue();
    }

    @Test
    void theCatchUpEndsWhileATransactionIsStillOpenOnTheSource() throws Exception {
        // An open transaction's records follow the last commit and are not flushed (until, at best, the background
        // writer's next running-transactions record, up to 15 s later): the catch-up must not wait for them.
        try (Connection open = source.connect(DATABASE); Connection admin = source.connect(DATABASE)) {
            open.setAutoCommit(false);
            open.createStatement().execute("insert into item values (10, 'not committed')");

            CatchUp.awaitConfirmed(admin, new String[]{SLOT}, Duration.ofSeconds(5));

            open.rollback();
        }
        assertThat(onTarget(10)).isFalse();
    }

    @Test
    void theOnlineChecksWaitForTheTargetReturnsOnlyOnceItHoldsAWriteCommittedAsynchronously() throws Exception {
        writeAsynchronously(2);
        boolean applied;
        try (Connection s = source.connect(DATABASE); Connection t = target.connect(DATABASE)) {
            var wait = Applied.of(s, t, DATABASE, Duration.ofSeconds(60));
            applied = wait.await(wait.sourcePosition());
        }

        assertThat(applied).isTrue();
        assertThat(onTarget(2)).as("the write committed before the position was read is on the target once it is applied")
                .isTrue();
    }

    @Test
    void aRowTheTargetHasNotAppliedInTimeIsComparedAgainByTheNextPassAndNamedWhenItNeverArrives() throws Exception {
        target.execute(DATABASE, "alter subscription " + SLOT + " disable");
        await().atMost(Duration.ofSeconds(30)).until(() -> source.queryForLong(DATABASE,
                "select count(*) from pg_replication_slots where slot_name = '" + SLOT + "' and active") == 0);
        source.execute(DATABASE, "set synchronous_commit = on", "insert into item values (3, 'late')");
        try (Connection s = source.connect(DATABASE); Connection t = target.connect(DATABASE)) {
            Relation item = Relation.published(s, DATABASE).get(0);
            ChangeLog.install(t, List.of(new ChangeLog.Planned(item, 1)));
            var verifier = new ChunkVerifier(s, t, Applied.of(s, t, DATABASE, Duration.ofSeconds(1)));

            var settled = verifier.keys(Map.of(item, List.of(List.of("3"))), ChangeLog.frontier(t));

            assertThat(settled.differences()).as("a row the target has not applied yet is late, not different").isEmpty();
            assertThat(settled.deferred()).isEqualTo(1);

            // The change never arrives: the slot moves past it (it is flushed: committed synchronously) while the
            // subscriber is away.
            source.execute(DATABASE, "select pg_replication_slot_advance('" + SLOT + "', pg_current_wal_insert_lsn())");
            target.execute(DATABASE, "alter subscription " + SLOT + " enable");
            var next = DeltaPass.run(s, t, Applied.of(s, t, DATABASE, Duration.ofSeconds(60)));

            assertThat(next.differences()).as("the next pass compared the row left to it").singleElement()
                    .satisfies(d -> assertThat(d.describe()).contains("public.item").contains("3").contains("missing on the target"));
        } finally {
            try (Connection t = target.connect(DATABASE)) {
                ChangeLog.drop(t);
            }
            target.execute(DATABASE, "alter subscription " + SLOT + " enable",
                    "insert into item values (3, 'late') on conflict do nothing");
        }
    }

    private static void writeAsynchronously(int id) {
        source.execute(DATABASE, "set synchronous_commit = off", "insert into item values (" + id + ", 'async')");
        assertThat(source.queryForLong(DATABASE, "select count(*) from item where id = " + id)).isEqualTo(1);
    }

    private static boolean onTarget(int id) {
        return target.queryForLong(DATABASE, "select count(*) from item where id = " + id) == 1;
    }
}
