package io.catalogmigration.provisioner;

import io.catalogmigration.common.run.MigrationProblem;

/**
 * Which PostgreSQL major the target runs: never older than the source (logical replication and pg_dump's schema
 * only go forward), never older than the configured minimum (majors past RDS standard support cost extra).
 */
final class EngineVersions {

    static int targetMajor(String requested, int sourceMajor, int minimumMajor) {
        if (requested == null) {
            return Math.max(sourceMajor, minimumMajor);
        }
        int major = major(requested);
        if (major < sourceMajor) {
            throw MigrationProblem.withCode("engineVersion " + requested + " is older than the source's PostgreSQL " + sourceMajor,
                    "give engineVersion " + sourceMajor + " or newer (or leave it out), then send the command again; nothing was created",
                    null);
        }
        return major;
    }

    static int major(String version) {
        int dot = version.indexOf('.');
        return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
    }

    private EngineVersions() {
    }
}
