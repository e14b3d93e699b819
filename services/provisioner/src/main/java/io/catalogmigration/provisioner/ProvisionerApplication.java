package io.catalogmigration.provisioner;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

@SpringBootApplication
public class ProvisionerApplication {

    /** The name of this service's configuration file (provisioner.yml), so several services can share one classpath. */
    public static final String CONFIG = "provisioner";

    public static void main(String[] args) {
        new SpringApplicationBuilder(ProvisionerApplication.class).properties("spring.config.name=" + CONFIG).run(args);
    }
}
