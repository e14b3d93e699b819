package io.catalogmigration.provisioner;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProvisionerProperties.class)
class ProvisionerConfiguration {
}
