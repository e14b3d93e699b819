package io.catalogmigration.provisioner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The service's defaults, as provisioner.yml gives them, for tests that need no Spring context. */
final class TestSettings {

    static ProvisionerProperties defaults() {
        return new ProvisionerProperties("aws", 20, 16384, List.of("rosemeta", "lineage"), "alation",
                new ProvisionerProperties.Sizing(4, 150, 64, null),
                new ProvisionerProperties.Aws(null, "standard", null, Duration.ofMinutes(60), Duration.ofSeconds(30), 7,
                        "postgres", 5432, 14, 7),
                new ProvisionerProperties.Local(Path.of("/tmp/secrets"), Path.of("/tmp/snapshots"), null, null));
    }

    private TestSettings() {
    }
}
