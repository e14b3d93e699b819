package io.catalogmigration.prune;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class PruneApplication {

    public static void main(String[] args) {
        SpringApplication.run(PruneApplication.class, args);
    }
}
