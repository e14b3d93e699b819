package io.catalogmigration.testkit.architecture.sample.good;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The service's one settings record. */
@ConfigurationProperties("good")
record GoodProperties(int workers) {
}
