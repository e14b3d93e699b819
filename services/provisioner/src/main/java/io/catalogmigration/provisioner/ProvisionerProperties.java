package io.catalogmigration.provisioner;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Settings of the provisioner (the service itself lands with its issue). */
@ConfigurationProperties("provisioner")
public record ProvisionerProperties(
        @DefaultValue("aws") String provider,
        @DefaultValue("20") int minimumStorageGb,
        @DefaultValue("16384") int maximumStorageGb) {
}
