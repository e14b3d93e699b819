package io.catalogmigration.testkit.architecture.sample.bad;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** Breaks "main classes empty": declares a bean. */
@SpringBootApplication
class BadApplication {

    public static void main(String[] args) {
    }

    @Bean
    String greeting() {
        return "hello";
    }
}
