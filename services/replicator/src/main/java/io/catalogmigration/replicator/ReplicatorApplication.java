package io.catalogmigration.replicator;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class ReplicatorApplication {

    public static void main(String[] args) {
        SpringApplication.run(ReplicatorApplication.class, args);
    }
}
