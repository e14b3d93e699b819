package io.catalogmigration.cutover;

import io.catalogmigration.testkit.PostgresCluster;

/**
 * {@link CutoverTest} on the runbook's real servers: a PostgreSQL 13 source and a 17 target whose administrator is
 * not a superuser, with what RDS's master user has; the replicator and the cutover both log in as that administrator.
 */
class CutoverFrom13ToRds17Test extends CutoverTest {

    @Override
    PostgresCluster.Builder sourceServer() {
        return PostgresCluster.builder("cutover13-source").version(13);
    }

    @Override
    PostgresCluster.Builder targetServer() {
        return PostgresCluster.builder("cutover17-target").version(17).rdsShaped();
    }
}
