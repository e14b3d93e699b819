package io.catalogmigration.scan;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

@SpringBootApplication
public class ScanApplication {

    /** The name of this service's configuration file (scan.yml), so several services can share one classpath. */
    public static final String CONFIG = "scan";

    public static void main(String[] args) {
        new SpringApplicationBuilder(ScanApplication.class).properties("spring.config.name=" + CONFIG).run(args);
    }
}
