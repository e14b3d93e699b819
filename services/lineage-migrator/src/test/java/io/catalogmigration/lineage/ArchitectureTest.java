package io.catalogmigration.lineage;

import io.catalogmigration.testkit.architecture.ServiceArchitecture;
import org.junit.jupiter.api.Test;

/** The rules every service shares (test-kit's ServiceArchitecture), checked against this service and common. */
class ArchitectureTest {

    @Test
    void followsTheSharedArchitecture() {
        ServiceArchitecture.of("lineage").verify();
    }
}
