package io.catalogmigration.cutover;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The cutover service's settings.
 *
 * @param stopWritesCommand       run first when writes stop (e.g. stop the application's workers); the source is
 *                                made read-only and the application's sessions ended either way
 * @param startApplicationCommand run last, once the settings point at the target (e.g. start the application)
 * @param hookTimeout             longest a hook may run
 * @param catchUpTimeout          longest the target may take to apply the source's last writes
 * @param maxWriteDowntime        the hard limit on the downtime window: reached before the switch, the cutover aborts by
 *                                itself and releases the source (StartCutover's maxWriteDowntimeSeconds overrides it)
 * @param maxLag                  preflight: a subscription lagging more than this is not ready
 * @param fenceRoles              the application's roles, kept from logging in while writes are stopped; empty: every
 *                                login role that is not a superuser, a replication login or the migration's own
 * @param confirmTimeout          after the application was started on the target: longest wait for it to have sessions
 *                                there and none on the source; when it runs out the cutover completes with a warning
 * @param finishCommand           run by FinishCutover once the fallback is dropped, e.g. to stop the old server
 * @param switcher                where the application's connection settings live
 * @param unloggedTables          COPY (default): unlogged tables' rows, which replication cannot carry, are copied in
 *                                the window; LEAVE-EMPTY: they stay empty on the target (the preflight warns)
 * @param hookEnvironment         the service's variables the hooks may see, beyond PATH, HOME, LANG, LC_* and TZ (none
 *                                else: the service's own secrets are not a hook's business)
 * @param replicationRole         the source's replication role (PrepareSource's replicationUser, default replicator)
 * @param replicationRoleAfter    what FinishCutover does with it, once no rollback can need it: ROTATE (default) its
 *                                password to a random one nobody keeps, DROP it, or KEEP it
 */
@ConfigurationProperties("cutover")
public record CutoverProperties(
        List<String> stopWritesCommand,
        List<String> startApplicationCommand,
        @DefaultValue("60s") Duration hookTimeout,
        @DefaultValue("60s") Duration catchUpTimeout,
        @DefaultValue("30s") Duration maxWriteDowntime,
        @DefaultValue("16MB") DataSize maxLag,
        List<String> fenceRoles,
        @DefaultValue("120s") Duration confirmTimeout,
        List<String> finishCommand,
        @DefaultValue Switcher switcher,
        @DefaultValue("copy") String unloggedTables,
        List<String> hookEnvironment,
        @DefaultValue("replicator") String replicationRole,
        @DefaultValue("rotate") String replicationRoleAfter) {

    public CutoverProperties {
        stopWritesCommand = stopWritesCommand == null ? List.of() : List.copyOf(stopWritesCommand);
        startApplicationCommand = startApplicationCommand == null ? List.of() : List.copyOf(startApplicationCommand);
        fenceRoles = fenceRoles == null ? List.of() : fenceRoles.stream().filter(r -> !r.isBlank()).toList();
        finishCommand = finishCommand == null ? List.of() : List.copyOf(finishCommand);
        if (maxWriteDowntime.compareTo(Duration.ofSeconds(1)) < 0 || maxWriteDowntime.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("cutover.max-write-downtime must be 1s-1h, got " + maxWriteDowntime);
        }
        unloggedTables = unloggedTables == null ? "COPY" : unloggedTables.toUpperCase(Locale.ROOT).replace('_', '-');
        if (!Set.of("COPY", "LEAVE-EMPTY").contains(unloggedTables)) {
            throw new IllegalArgumentException("cutover.unlogged-tables must be copy or leave-empty, got " + unloggedTables);
        }
        hookEnvironment = hookEnvironment == null ? List.of() : List.copyOf(hookEnvironment);
        replicationRole = replicationRole == null || replicationRole.isBlank() ? "replicator" : replicationRole;
        replicationRoleAfter = replicationRoleAfter == null ? "ROTATE" : replicationRoleAfter.toUpperCase(Locale.ROOT);
        if (!Set.of("ROTATE", "DROP", "KEEP").contains(replicationRoleAfter)) {
            throw new IllegalArgumentException("cutover.replication-role-after must be rotate, drop or keep, got "
                    + replicationRoleAfter);
        }
    }

    /** Unlogged tables' rows are copied in the window (not left empty). */
    public boolean copyUnloggedTables() {
        return unloggedTables.equals("COPY");
    }

    /**
     * @param kind    FILE (default): a properties or env file replaced atomically; COMMAND: a hook given the settings
     *                as environment variables; SSM: AWS Systems Manager parameters
     * @param file    FILE: the file the application reads its connection settings from
     * @param format  FILE: PROPERTIES ({@code rosemeta.host=...}) or ENV ({@code ROSEMETA_HOST=...})
     * @param command COMMAND: the hook; it gets CUTOVER_ACTION (switch or restore) and the settings in its environment
     * @param ssm     SSM: parameters under {@code <prefix><database>/<key>}
     */
    public record Switcher(
            @DefaultValue("FILE") String kind,
            @DefaultValue("application-db.properties") Path file,
            @DefaultValue("PROPERTIES") String format,
            List<String> command,
            @DefaultValue Ssm ssm) {

        public Switcher {
            kind = kind == null ? "FILE" : kind.toUpperCase(Locale.ROOT);
            if (!Set.of("FILE", "COMMAND", "SSM").contains(kind)) {
                throw new IllegalArgumentException("cutover.switcher.kind must be file, command or ssm, got " + kind);
            }
            format = format == null ? "PROPERTIES" : format.toUpperCase(Locale.ROOT);
            if (!Set.of("PROPERTIES", "ENV").contains(format)) {
                throw new IllegalArgumentException("cutover.switcher.format must be properties or env, got " + format);
            }
            command = command == null ? List.of() : List.copyOf(command);
            if (kind.equals("COMMAND") && command.isEmpty()) {
                throw new IllegalArgumentException("cutover.switcher.kind is command but cutover.switcher.command is empty");
            }
        }
    }

    /**
     * @param prefix   parameter names start with this, e.g. /catalog/ gives /catalog/rosemeta/host
     * @param region   AWS region (empty: the SDK's default chain)
     * @param endpoint endpoint override (tests, VPC endpoints); empty: the region's
     */
    public record Ssm(@DefaultValue("/catalog-migration/") String prefix, String region, URI endpoint) {
    }
}
