package io.catalogmigration.cutover;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

@SpringBootApplication
public class CutoverApplication {

    /** The name of this service's configuration file (cutover.yml), so several services can share one classpath. */
    public static final String CONFIG = "cutover";

    public static void main(String[] args) {
        new SpringApplicationBuilder(CutoverApplication.class).properties("spring.config.name=" + CONFIG).run(args);
    }
}
