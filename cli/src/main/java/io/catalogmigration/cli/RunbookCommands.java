package io.catalogmigration.cli;

import io.catalogmigration.common.contract.BackUpSource;
import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PrepareSource;
import io.catalogmigration.common.contract.ProvisionTarget;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.RunPreflight;
import io.catalogmigration.common.contract.SnapshotTarget;
import io.catalogmigration.common.contract.StartCutover;
import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.contract.StartPrune;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.contract.StartScan;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Builds each step's command from the settings (and, after provisioning, from the target it reported). */
final class RunbookCommands {

    static final List<String> DATABASES = ReplicateCli.DATABASES;
    private static final String MAINTENANCE = "postgres";

    /** The provisioned target, read from TargetProvisioned: the admin endpoint of every later step, and the application's login. */
    record Target(String host, int port, String adminUser, String adminSecretRef, String appUser, String appUserSecretRef,
                  String dbInstanceIdentifier) {

        static Target of(JsonNode provisioned) {
            return new Target(Event.text(provisioned, "host"), provisioned.path("port").asInt(5432),
                    Event.text(provisioned, "adminUser"), Event.text(provisioned, "adminSecretRef"),
                    Event.text(provisioned, "appUser"), Event.text(provisioned, "appUserSecretRef"),
                    Event.text(provisioned.path("resources"), "dbInstanceIdentifier"));
        }

        PgEndpoint admin(String sslmode) {
            return new PgEndpoint(host, port, MAINTENANCE, adminUser, sslmode, adminSecretRef);
        }
    }

    private final RunbookSettings s;

    RunbookCommands(RunbookSettings settings) {
        this.s = settings;
    }

    /** The first safety step: the replicator takes (or its hook finds) a backup of the source server. */
    BackUpSource backup() {
        return new BackUpSource(id(), s.migrationId(), now(), source(MAINTENANCE));
    }

    /** The last safety step: the provisioner's first snapshot of the new target (aws: the RDS instance it created). */
    SnapshotTarget snapshot(Target target) {
        String identifier = s.dbInstanceIdentifier() != null ? s.dbInstanceIdentifier() : target.dbInstanceIdentifier();
        return new SnapshotTarget(id(), s.migrationId(), now(), s.provider(), s.region(), identifier, s.localTarget());
    }

    StartPrune prune() {
        return new StartPrune(id(), s.migrationId(), now(), source("rosemeta"), List.of(), PruneMode.PURGE, null);
    }

    StartScan scan() {
        List<PgEndpoint> databases = new ArrayList<>();
        for (String db : DATABASES) databases.add(source(db));
        return new StartScan(id(), s.migrationId(), now(), databases, s.scanMode(), List.of(), null, null);
    }

    /** Lineage moves within the source server, rosemeta to lineage; the target gets it by replication afterwards. */
    StartLineageMigration lineage() {
        return new StartLineageMigration(id(), s.migrationId(), now(), source("rosemeta"), source("lineage"), null);
    }

    ProvisionTarget provision() {
        return new ProvisionTarget(id(), s.migrationId(), now(), source("rosemeta"), s.provider(), s.objectCount(),
                s.concurrentUsers(), s.sourceCpuCount(), s.region(), s.sourceInstanceId(), s.dbInstanceIdentifier(),
                s.engineVersion(), s.localTarget());
    }

    PrepareSource prepare() {
        return new PrepareSource(id(), s.migrationId(), now(), source(MAINTENANCE), DATABASES, s.targetAddress(),
                s.replicationUser(), s.replicationPasswordRef(), null);
    }

    StartReplication replicate(String database, Target target) {
        PgEndpoint source = source(database);
        var replication = new PgEndpoint(s.replicationHost() != null ? s.replicationHost() : source.host(), source.port(),
                database, s.replicationUser(), source.sslmode(), s.replicationPasswordRef());
        return new StartReplication(id(), s.migrationId(), now(), source, target.admin(s.targetSslmode()), replication,
                s.rolePasswordRefs());
    }

    CheckReplication check(String database, Target target) {
        return new CheckReplication(id(), s.migrationId(), now(), source(database), target.admin(s.targetSslmode()));
    }

    RunPreflight preflight(Target target) {
        return new RunPreflight(id(), s.migrationId(), now(), source(MAINTENANCE), target.admin(s.targetSslmode()), DATABASES,
                appUser(target), appPasswordRef(target), s.acceptedLosses(), fallback(target));
    }

    StartCutover cutover(Target target) {
        return new StartCutover(id(), s.migrationId(), now(), source(MAINTENANCE), target.admin(s.targetSslmode()),
                DATABASES, appUser(target), appPasswordRef(target), s.targetSslmode(), s.migrationId(), null, fallback(target),
                s.acceptedLosses());
    }

    /** The login the source replicates back with, on the provisioned target; null: its administrator. */
    PgEndpoint fallback(Target target) {
        return s.fallbackUser() == null ? null : new PgEndpoint(s.fallbackHost() != null ? s.fallbackHost() : target.host(),
                target.port(), MAINTENANCE, s.fallbackUser(), s.targetSslmode(), s.fallbackPasswordRef());
    }

    String appUser(Target target) {
        return s.appUser() != null ? s.appUser() : target.appUser();
    }

    String appPasswordRef(Target target) {
        return s.appPasswordRef() != null ? s.appPasswordRef() : target.appUserSecretRef();
    }

    private PgEndpoint source(String database) {
        return s.source().withDatabase(database);
    }

    private static UUID id() {
        return UUID.randomUUID();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
