package io.catalogmigration.prune;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

@SpringBootApplication
public class PruneApplication {

    /** The name of this service's configuration file (prune.yml), so several services can share one classpath. */
    public static final String CONFIG = "prune";

    public static void main(String[] args) {
        new SpringApplicationBuilder(PruneApplication.class).properties("spring.config.name=" + CONFIG).run(args);
    }
}
