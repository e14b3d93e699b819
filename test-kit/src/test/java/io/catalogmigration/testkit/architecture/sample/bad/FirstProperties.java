package io.catalogmigration.testkit.architecture.sample.bad;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** With SecondProperties, breaks "one @ConfigurationProperties record per service". */
@ConfigurationProperties("bad")
record FirstProperties(int workers) {
}
