package io.catalogmigration.cutover;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class CutoverApplication {

    public static void main(String[] args) {
        SpringApplication.run(CutoverApplication.class, args);
    }
}
