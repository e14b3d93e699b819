package io.catalogmigration.lineage;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

@SpringBootApplication
public class LineageApplication {

    /** The name of this service's configuration file (lineage-migrator.yml), so several services can share one classpath. */
    public static final String CONFIG = "lineage-migrator";

    public static void main(String[] args) {
        new SpringApplicationBuilder(LineageApplication.class).properties("spring.config.name=" + CONFIG).run(args);
    }
}
