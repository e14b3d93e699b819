package io.catalogmigration.local;

import io.catalogmigration.testkit.architecture.ServiceArchitecture;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The shared architecture rules for the lineage migrator, run here where its classes are on the classpath, until its
 * own module has an ArchitectureTest like the other services'.
 */
class LineageArchitectureTest {

    @Test
    @Disabled("open in #18: the lineage migrator breaks three shared rules (its batch listener reads ConsumerRecords and "
            + "throws BatchListenerFailedException itself, LinkLedger reads the ledger's run table, its graph schema's "
            + "Flyway starts at V1); enable once they are moved")
    void theLineageMigratorFollowsTheSharedArchitecture() {
        ServiceArchitecture.of("lineage").verify();
    }
}
