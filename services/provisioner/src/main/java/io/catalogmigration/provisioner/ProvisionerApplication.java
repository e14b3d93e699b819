package io.catalogmigration.provisioner;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class ProvisionerApplication {

    public static void main(String[] args) {
        SpringApplication.run(ProvisionerApplication.class, args);
    }
}
