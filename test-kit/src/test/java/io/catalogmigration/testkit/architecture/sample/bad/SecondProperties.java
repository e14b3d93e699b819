package io.catalogmigration.testkit.architecture.sample.bad;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** A second prefix, and a class rather than a record. */
@ConfigurationProperties("bad.more")
class SecondProperties {

    private int size;

    public int getSize() {
        return size;
    }

    public void setSize(int size) {
        this.size = size;
    }
}
