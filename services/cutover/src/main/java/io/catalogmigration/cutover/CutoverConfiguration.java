package io.catalogmigration.cutover;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CutoverProperties.class)
class CutoverConfiguration {
}
