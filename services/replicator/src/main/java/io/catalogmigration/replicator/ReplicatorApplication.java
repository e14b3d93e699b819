package io.catalogmigration.replicator;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

@SpringBootApplication
public class ReplicatorApplication {

    /** The name of this service's configuration file (replicator.yml), so several services can share one classpath. */
    public static final String CONFIG = "replicator";

    public static void main(String[] args) {
        new SpringApplicationBuilder(ReplicatorApplication.class).properties("spring.config.name=" + CONFIG).run(args);
    }
}
