package io.catalogmigration.testkit.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each rule, run against a small deliberately bad sample service ({@code sample.bad}, test sources of this module),
 * fails and names the class that broke it; run against the good sample it passes. So a rule that could never fail
 * would show here.
 */
class ServiceArchitectureTest {

    private static final String SAMPLE = "io.catalogmigration.testkit.architecture.sample";
    private static final JavaClasses CLASSES = new ClassFileImporter().importPackages(SAMPLE);

    private final ServiceArchitecture bad = new ServiceArchitecture(SAMPLE, "bad", Set.of("bad", "good"));
    private final ServiceArchitecture good = new ServiceArchitecture(SAMPLE, "good", Set.of("bad", "good"));

    @Test
    void aServiceCallingAnotherServicesClassFails() {
        assertFails(bad.noOtherService(), "ReachesIntoOtherService", "GoodWorker");
        assertPasses(good.noOtherService());
    }

    @Test
    void aDriverManagerCallOutsideCommonPgFails() {
        assertFails(bad.driverManagerOnlyInCommonPg(), "OpensItsOwnConnection", "DriverManager");
    }

    @Test
    void aListenerReachingTheDatabaseFails() {
        assertFails(bad.listenersOnlyCallTheApplication(), "BadListeners", "javax.sql.DataSource");
    }

    @Test
    void sqlOnALedgerTableOutsideTheLedgerFails() {
        assertFails(bad.onlyTheLedgerTouchesLedgerTables(), "WritesTheLedger", "update run");
    }

    @Test
    void aMainClassDeclaringABeanFails() {
        assertFails(bad.mainClassesEmpty(), "BadApplication", "greeting");
    }

    @Test
    void aCommandThatIsAClassUnderAnOpenInterfaceFails() {
        assertFails(bad.messagesAreRecordsUnderSealedInterfaces(), "MutableCommand is a message but not a record",
                "MutableCommand implements no sealed interface", "OpenCommand is an interface but not sealed");
    }

    @Test
    void twoPropertiesClassesInOneServiceFail() {
        assertFails(bad.onePropertiesRecord(), "has 2 @ConfigurationProperties classes",
                "SecondProperties is @ConfigurationProperties but not a record");
        assertPasses(good.onePropertiesRecord());
    }

    @Test
    void theGoodSampleServiceBreaksNoRuleOfItsOwn() {
        // The sample's contract package is bad on purpose, so the message rule is left to the test above.
        assertPasses(good.noOtherService());
        assertPasses(good.listenersOnlyCallTheApplication());
        assertPasses(good.mainClassesEmpty());
        assertPasses(good.onePropertiesRecord());
    }

    @Test
    void aServiceMigrationInTheLedgersRangeOrALedgerMigrationPastItFails() {
        assertThat(ServiceArchitecture.migrationsOutOfRange(List.of(
                "jar:file:/x/common.jar!/db/ledger/V1__run_ledger.sql",
                "file:/x/common/target/classes/db/ledger/V1.1__outbox.sql",
                "file:/x/scan/target/classes/db/scan/V2__scan_findings.sql",
                "file:/x/lineage/target/classes/db/lineage/V100__lineage_pointer_and_batches.sql",
                // Applied to the target lineage database with a history table of its own: outside the ledger's ranges.
                "file:/x/lineage/target/classes/db/lineage-graph/V1__graph.sql"))).isEmpty();

        assertThat(ServiceArchitecture.migrationsOutOfRange(List.of(
                "file:/x/common/target/classes/db/ledger/V2__outbox.sql",
                "file:/x/scan/target/classes/db/scan/V1_1__scan_extra.sql")))
                .satisfiesExactly(
                        f -> assertThat(f).contains("db/ledger/V2__outbox.sql", "the ledger's migrations are V1 and V1.x"),
                        f -> assertThat(f).contains("db/scan/V1_1__scan_extra.sql", "a service's own migrations start at V2"));
    }

    private static void assertFails(ArchRule rule, String... named) {
        EvaluationResult result = rule.evaluate(CLASSES);
        assertThat(result.hasViolation()).as(rule.getDescription()).isTrue();
        assertThat(result.getFailureReport().toString()).contains(named);
    }

    private static void assertPasses(ArchRule rule) {
        EvaluationResult result = rule.evaluate(CLASSES);
        assertThat(result.hasViolation()).as(result.getFailureReport().toString()).isFalse();
    }
}
