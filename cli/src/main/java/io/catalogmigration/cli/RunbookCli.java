package io.catalogmigration.cli;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ProvisionCommand;
import io.catalogmigration.common.contract.ScanMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "runbook", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the whole migration in order through Kafka, stopping at the first failure with its reason and what to do.",
                "",
                "Steps: backup (of the source, before anything changes), prune (PURGE), scan (rosemeta and lineage), "
                        + "lineage and provision at once, prepare (the source), replicate (rosemeta and lineage at once), "
                        + "catch-up (CheckReplication every --check-interval until STOP_WAITING with every index and constraint "
                        + "built), preflight, a typed confirmation unless --unattended, cutover (which leaves the replication "
                        + "back to the source running: 'migrate cutover fallback' shows it, 'migrate cutover finish' ends it), "
                        + "snapshot (the first of the new target); then a report.",
                "",
                "--from resumes at a step. Earlier steps are skipped except provision, which is always sent again first: "
                        + "the later steps need the target it reports, and ProvisionTarget sent again adopts what exists "
                        + "instead of creating it twice. --target-sslmode defaults to verify-full, as every sslmode does.",
                "",
                "Exit 0 all completed, 1 a step failed or the cutover was not confirmed, 2 invalid flags, 3 Kafka "
                        + "unreachable, 4 --step-timeout passed."})
final class RunbookCli implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--migration-id", required = true, paramLabel = "ID", converter = MigrationIdOption.class, description = "your name for the whole migration (the Kafka key)")
    String migrationId;

    @Mixin
    Servers.SourceServer source;

    @Option(names = "--provider", required = true, paramLabel = "aws|local", description = "where the target is created")
    String provider;

    @Option(names = "--region", paramLabel = "REGION", description = "aws (required): region of the source instance")
    String region;
    @Option(names = "--source-instance-id", paramLabel = "ID", description = "aws (required): EC2 instance the catalog runs on")
    String sourceInstanceId;
    @Option(names = "--db-instance-identifier", paramLabel = "ID", description = "aws: RDS identifier (default: catalog-<migrationId>)")
    String dbInstanceIdentifier;
    @Option(names = "--engine-version", paramLabel = "VERSION", description = "aws: PostgreSQL version (default: the source's major)")
    String engineVersion;

    @Mixin
    Servers.TargetServer target;

    @Option(names = "--object-count", paramLabel = "N", description = "sizing: the catalog's object count (default: estimated)")
    Long objectCount;
    @Option(names = "--concurrent-users", paramLabel = "N", description = "sizing: peak concurrent users (default: the service's)")
    Integer concurrentUsers;
    @Option(names = "--source-cpu-count", paramLabel = "N", description = "sizing: CPUs of the source host (default: the service's)")
    Integer sourceCpuCount;

    @Option(names = "--scan-mode", paramLabel = "MODE", defaultValue = "REPAIR", description = "REPORT or REPAIR (default: ${DEFAULT-VALUE})")
    ScanMode scanMode;

    @Option(names = "--target-address", paramLabel = "IP",
            description = "the IP the target connects to the source from, for pg_hba.conf (default for local: 127.0.0.1; required for aws)")
    String targetAddress;
    @Option(names = "--replication-host", paramLabel = "HOST", description = "source host as the target reaches it (default: --source-host)")
    String replicationHost;
    @Option(names = "--replication-user", paramLabel = "ROLE", defaultValue = "replicator",
            description = "replication role (default: ${DEFAULT-VALUE})")
    String replicationUser;
    @Option(names = "--replication-password-ref", paramLabel = "REF", converter = SecretRef.Converter.class,
            description = "the replication role's password (required for prepare and replicate): " + SecretRef.FORMS)
    String replicationPasswordRef;
    @Option(names = "--role-password-ref", paramLabel = "ROLE=REF", converter = RolePasswordRef.Converter.class,
            description = "password reference of a role created on the target; repeat for several")
    List<RolePasswordRef> rolePasswordRefs = new ArrayList<>();

    @Option(names = "--app-user", paramLabel = "ROLE", description = "the application's role on the target (default: TargetProvisioned's appUser)")
    String appUser;
    @Option(names = "--app-password-ref", paramLabel = "REF", converter = SecretRef.Converter.class,
            description = "its password reference (default: TargetProvisioned's appUserSecretRef)")
    String appPasswordRef;
    @Option(names = "--accept-loss", paramLabel = "OBJECT",
            description = "an object of the source to leave behind, as the preflight's inventory names it, e.g. "
                    + "'foreign table public.import_log'; repeat for several (anything else missing on the target fails)")
    List<String> acceptedLosses = new ArrayList<>();

    @Option(names = "--fallback-user", paramLabel = "ROLE",
            description = "the login on the target the source replicates back with after the switch, created if missing "
                    + "(default: the target's administrator)")
    String fallbackUser;
    @Option(names = "--fallback-password-ref", paramLabel = "REF", converter = SecretRef.Converter.class,
            description = "its password (required with --fallback-user)")
    String fallbackPasswordRef;
    @Option(names = "--fallback-host", paramLabel = "HOST",
            description = "the target's host as the source server reaches it (default: the provisioned host)")
    String fallbackHost;

    @Option(names = "--check-interval", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "catch-up: time between two CheckReplication (default: ${DEFAULT-VALUE})")
    Duration checkInterval;
    @Option(names = "--step-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "give up on a step after this long, exit 4 (default: none)")
    Duration stepTimeout;
    @Option(names = "--skip", paramLabel = "STEP", converter = RunbookStep.Converter.class,
            description = "leave out backup, prune, scan, lineage or snapshot; repeat for several")
    List<RunbookStep> skip = new ArrayList<>();
    @Option(names = "--from", paramLabel = "STEP", converter = RunbookStep.Converter.class,
            description = "resume at this step (earlier steps are skipped, but provision is sent again first): "
                    + "backup, prune, scan, lineage, provision, prepare, replicate, catch-up, preflight, cutover, snapshot")
    RunbookStep from;
    @Option(names = "--unattended", description = "do not ask for the migration id before the cutover (for programs and CI)")
    boolean unattended;

    private final BufferedReader in;

    RunbookCli() {
        this(null);
    }

    /** @param in where the confirmation is read; null: standard input */
    RunbookCli(BufferedReader in) {
        this.in = in;
    }

    @Override
    public Integer call() {
        RunbookSettings settings = settings();
        BufferedReader reader = in != null ? in : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (var broker = new Broker(kafka)) {
            broker.checkReachable();
            boolean terminal = in == null && System.console() != null;
            return new Runbook(settings, broker, reader, terminal, spec.commandLine().getOut()).run();
        }
    }

    /** Every flag a step that will run needs is checked now, not hours later when that step comes. */
    RunbookSettings settings() {
        if (migrationId.isBlank()) throw usage("--migration-id must not be blank");
        boolean aws = ProvisionCommand.AWS.equals(provider);
        if (!aws && !ProvisionCommand.LOCAL.equals(provider)) throw usage("--provider must be aws or local, not '" + provider + "'");
        Set<RunbookStep> skipped = EnumSet.noneOf(RunbookStep.class);
        for (RunbookStep step : skip) {
            if (!step.skippable()) {
                throw usage("--skip " + step + " is not possible: the later steps need it (only backup, prune, scan, lineage and snapshot can be skipped)");
            }
            skipped.add(step);
        }
        if (from != null) {
            for (RunbookStep step : RunbookStep.values()) {
                if (step.ordinal() < from.ordinal() && step != RunbookStep.PROVISION) skipped.add(step);
            }
        }
        PgEndpoint sourceAdmin = source.endpointOn(spec, "postgres");
        PgEndpoint localTarget = null;
        if (aws) {
            if (target.host() != null || target.user() != null || target.passwordRef() != null) {
                throw usage("--target-host, --target-user and --target-password-ref name the local provider's server;"
                        + " with --provider aws the target is the RDS instance ProvisionTarget reports");
            }
            List<String> missing = new ArrayList<>();
            if (region == null) missing.add("--region");
            if (sourceInstanceId == null) missing.add("--source-instance-id");
            if (!missing.isEmpty()) throw usage("--provider aws needs " + String.join(" and ", missing));
        } else {
            localTarget = target.endpointOn(spec, "postgres");
        }
        String sslmode = target.sslmode() != null ? target.sslmode() : PgEndpoint.DEFAULT_SSLMODE;
        boolean prepares = !skipped.contains(RunbookStep.PREPARE);
        boolean replicates = !skipped.contains(RunbookStep.REPLICATE);
        if ((prepares || replicates) && replicationPasswordRef == null) {
            throw usage("Missing required option: --replication-password-ref (the prepare and replicate steps need it)");
        }
        String address = targetAddress != null ? targetAddress : aws ? null : "127.0.0.1";
        if (prepares && address == null) {
            throw usage("Missing required option: --target-address (with --provider aws: the address the RDS instance"
                    + " connects to the source from, for pg_hba.conf)");
        }
        if (fallbackUser != null && fallbackPasswordRef == null) throw usage("--fallback-user needs --fallback-password-ref");
        if (fallbackUser == null && (fallbackPasswordRef != null || fallbackHost != null)) {
            throw usage("--fallback-password-ref and --fallback-host need --fallback-user");
        }
        if (checkInterval.isZero() || checkInterval.isNegative()) throw usage("--check-interval must be positive");
        if (stepTimeout != null && (stepTimeout.isZero() || stepTimeout.isNegative())) throw usage("--step-timeout must be positive");
        if (objectCount != null && objectCount < 0) throw usage("--object-count must not be negative");
        if (concurrentUsers != null && concurrentUsers < 1) throw usage("--concurrent-users must be at least 1");
        if (sourceCpuCount != null && sourceCpuCount < 1) throw usage("--source-cpu-count must be at least 1");
        return new RunbookSettings(migrationId, sourceAdmin, provider, localTarget, region, sourceInstanceId,
                dbInstanceIdentifier, engineVersion, objectCount, concurrentUsers, sourceCpuCount, scanMode, sslmode,
                address, replicationHost, replicationUser, replicationPasswordRef,
                RolePasswordRef.toMap(spec, rolePasswordRefs), appUser, appPasswordRef, fallbackUser, fallbackPasswordRef,
                fallbackHost, checkInterval, stepTimeout, skipped, unattended, acceptedLosses);
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
