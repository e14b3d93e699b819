package io.catalogmigration.testkit.architecture.sample.bad;

import io.catalogmigration.testkit.architecture.sample.good.GoodWorker;

/** Breaks "no service imports another": calls the good service's class directly. */
class ReachesIntoOtherService {

    void run() {
        new GoodWorker().work();
    }
}
