package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CopiedObject;
import io.catalogmigration.common.contract.CutoverCheck;
import io.catalogmigration.common.contract.StartCutover;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.run.MigrationProblem;
import io.catalogmigration.common.secret.SecretResolver;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The window's COPY_UNREPLICATED and its preflight checks on their own, against two real servers whose target schema
 * was made by hand as the replicator's would be (the unlogged table empty, the views WITH NO DATA): unlogged tables
 * left empty when the operator says so, a copy that would not fit the window refused by the preflight, the copy
 * itself, and the differences that stop the window: a large object written on the target, a view whose query is not
 * deterministic.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnreplicatedCopyTest {

    static final String DB = "shop";

    PostgresCluster source;
    PostgresCluster target;
    PgConnector connector;

    @BeforeAll
    void startServers() {
        source = PostgresCluster.builder("unrepl-copy-source").fast().start();
        target = PostgresCluster.builder("unrepl-copy-target").fast().start();
        connector = new PgConnector(new SecretResolver(System::getenv, () -> {
            throw new IllegalStateException("no AWS here");
        }, ServiceRunner.KIT_SECRETS), "unreplicated-copy-test");
        for (var cluster : List.of(source, target)) {
            cluster.execute("postgres", "create database " + DB);
            cluster.execute(DB,
                    "create table item (id int primary key, price numeric(10, 2))",
                    "insert into item select g, g * 1.5 from generate_series(1, 300) g",
                    "create unlogged table cart (id int primary key, item int, added timestamptz)");
        }
        source.execute(DB,
                "insert into cart select g, g % 300 + 1, timestamptz '2026-01-01' + g * interval '1 minute' from generate_series(1, 4000) g",
                "create materialized view expensive as select id, price from item where price > 300",
                "select lo_from_bytea(930001, convert_to('a receipt', 'UTF8'))");
        target.execute(DB, "create materialized view expensive as select id, price from item where price > 300 with no data");
    }

    @AfterAll
    void stopServers() {
        target.close();
        source.close();
    }

    @Test
    @Order(1)
    void unloggedTablesTheOperatorLeavesEmptyStayEmptyAndThePreflightWarnsNamingThem() throws Exception {
        var leaveEmpty = settings("leave-empty");

        var checks = new UnreplicatedChecks(connector, leaveEmpty).run(source.endpoint(DB), target.endpoint(DB), Duration.ofSeconds(30));
        var result = new UnreplicatedCopy(connector, leaveEmpty).inWindow(cutover(), deadline());

        assertThat(checks).filteredOn(c -> c.check().equals("unlogged-tables")).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(CutoverCheck.WARNING);
            assertThat(c.detail()).contains("public.cart").contains("leave-empty");
        });
        assertThat(result.objects()).filteredOn(o -> o.kind().equals(CopiedObject.UNLOGGED_TABLE)).singleElement()
                .satisfies(o -> {
                    assertThat(o.equal()).isFalse();
                    assertThat(o.detail()).contains("left empty");
                });
        assertThat(target.queryForLong(DB, "select count(*) from cart")).isZero();
    }

    @Test
    @Order(2)
    void aCopyThatWouldNotFitTheWindowFailsThePreflightNamingTheWayOut() throws Exception {
        var checks = new UnreplicatedChecks(connector, settings("copy")).run(source.endpoint(DB), target.endpoint(DB), Duration.ZERO);

        assertThat(checks).filteredOn(c -> c.check().equals("unlogged-tables")).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(CutoverCheck.FAILED);
            assertThat(c.detail()).contains("more than the window's limit").contains("leave-empty");
        });
        assertThat(target.queryForLong(DB, "select count(*) from cart")).as("the measuring copy was rolled back").isZero();
    }

    @Test
    @Order(3)
    void theWindowCopiesUnloggedRowsAndLargeObjectsAndFillsTheViewWithItsQuerysResult() throws Exception {
        var result = new UnreplicatedCopy(connector, settings("copy")).inWindow(cutover(), deadline());

        assertThat(result.objects()).allSatisfy(o -> assertThat(o.equal()).as(o.toString()).isTrue())
                .extracting(CopiedObject::kind)
                .containsExactlyInAnyOrder(CopiedObject.LARGE_OBJECTS, CopiedObject.MATERIALIZED_VIEW, CopiedObject.UNLOGGED_TABLE);
        String cart = "select count(*) || md5(string_agg(c::text, ',' order by id)) from cart c";
        assertThat(text(target, cart)).isEqualTo(text(source, cart));
        assertThat(target.queryForLong(DB, "select count(*) from expensive")).isEqualTo(100);
        assertThat(text(target, "select convert_from(lo_get(930001), 'UTF8')")).isEqualTo("a receipt");
    }

    @Test
    @Order(4)
    void aLargeObjectWrittenOnTheTargetStopsTheWindowNamingIt() {
        target.execute(DB, "select lo_put(930001, 0, convert_to('A', 'UTF8'))");

        assertThatThrownBy(() -> new UnreplicatedCopy(connector, settings("copy")).inWindow(cutover(), deadline()))
                .isInstanceOfSatisfying(MigrationProblem.class, p -> {
                    assertThat(p.phase()).isEqualTo(UnreplicatedCopy.PHASE);
                    assertThat(p.getMessage()).contains("large object 930001: content differs");
                });
        target.execute(DB, "select lo_put(930001, 0, convert_to('a', 'UTF8'))");
    }

    @Test
    @Order(5)
    void aViewWhoseQueryIsNotDeterministicCannotEqualItsQueryOnTheSourceAndStopsTheWindow() {
        source.execute(DB, "create materialized view drawn as select id from item order by random() limit 5");
        target.execute(DB, "create materialized view drawn as select id from item order by random() limit 5 with no data");

        assertThatThrownBy(() -> new UnreplicatedCopy(connector, settings("copy")).inWindow(cutover(), deadline()))
                .isInstanceOfSatisfying(MigrationProblem.class, p -> {
                    assertThat(p.getMessage()).contains("materialized view public.drawn");
                    assertThat(p.action()).contains("not deterministic");
                });
    }

    private StartCutover cutover() {
        return new StartCutover(UUID.randomUUID(), "mig-unreplicated-copy", Instant.now(), source.endpoint("postgres"),
                target.endpoint("postgres"), List.of(DB), "app", "env:APP_PASSWORD", null, "mig-unreplicated-copy");
    }

    private static Deadline deadline() {
        return new Deadline(System.nanoTime(), Duration.ofSeconds(60));
    }

    private static CutoverProperties settings(String unloggedTables) {
        return new CutoverProperties(List.of(), List.of(), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(30),
                DataSize.ofMegabytes(16), List.of(), Duration.ofSeconds(120), List.of(), new CutoverProperties.Switcher("file", Path.of("settings.properties"), "properties",
                List.of(), new CutoverProperties.Ssm("/catalog-migration/", null, null)), unloggedTables, List.of(), "replicator", "rotate");
    }

    private static String text(PostgresCluster cluster, String sql) throws Exception {
        try (var c = cluster.connect(DB); var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
