package io.catalogmigration.lineage;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class LineageApplication {

    public static void main(String[] args) {
        SpringApplication.run(LineageApplication.class, args);
    }
}
