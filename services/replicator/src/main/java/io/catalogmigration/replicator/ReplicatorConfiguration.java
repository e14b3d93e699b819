package io.catalogmigration.replicator;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReplicatorProperties.class)
class ReplicatorConfiguration {
}
