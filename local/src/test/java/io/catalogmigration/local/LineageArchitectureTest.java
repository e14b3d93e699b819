package io.catalogmigration.local;

import io.catalogmigration.testkit.architecture.ServiceArchitecture;
import org.junit.jupiter.api.Test;

/**
 * The shared architecture rules for the lineage migrator, run here where its classes are on the classpath, until its
 * own module has an ArchitectureTest like the other services'.
 */
class LineageArchitectureTest {

    @Test
    void theLineageMigratorFollowsTheSharedArchitecture() {
        ServiceArchitecture.of("lineage").verify();
    }
}
