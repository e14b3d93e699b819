package io.catalogmigration.replicator;

import io.catalogmigration.testkit.PostgresCluster;

/**
 * {@link ReplicationTest} on the runbook's real servers: a PostgreSQL 13 source and a 17 target whose administrator
 * is not a superuser, with what RDS's master user has.
 */
class ReplicationFrom13ToRds17Test extends ReplicationTest {

    @Override
    PostgresCluster.Builder sourceServer() {
        return PostgresCluster.builder("repl13-source").version(13);
    }

    @Override
    PostgresCluster.Builder targetServer() {
        return PostgresCluster.builder("repl17-target").version(17).rdsShaped();
    }
}
