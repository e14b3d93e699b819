package io.catalogmigration.testkit.architecture.sample.good;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Only main and its configuration name. */
@SpringBootApplication
public class GoodApplication {

    public static final String CONFIG = "good";

    public static void main(String[] args) {
    }
}
