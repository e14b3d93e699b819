package io.catalogmigration.testkit.architecture.sample.good;

/** Another service's class, for the bad service to reach into. */
public class GoodWorker {

    public void work() {
    }
}
