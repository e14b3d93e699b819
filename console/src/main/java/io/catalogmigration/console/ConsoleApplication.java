package io.catalogmigration.console;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

@SpringBootApplication
public class ConsoleApplication {

    /** The name of this service's configuration file (console.yml), so several services can share one classpath. */
    public static final String CONFIG = "console";

    public static void main(String[] args) {
        new SpringApplicationBuilder(ConsoleApplication.class).properties("spring.config.name=" + CONFIG).run(args);
    }
}
