package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CutoverCheck;
import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.RunPreflight;
import io.catalogmigration.common.contract.StartCutover;
import io.catalogmigration.common.inventory.SchemaDrift;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.ReplicationNames;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.pg.Subscriptions;
import io.catalogmigration.cutover.switching.HookRunner;
import io.catalogmigration.cutover.switching.SettingsSwitcher;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What must hold before writes may stop, checked without changing anything: for each database the subscription is
 * streaming with every table ready and little lag (the runbook's STOP_WAITING), every index and constraint of the
 * source exists and is valid on the target (the deferred post-data was built), each sequence exists, the online
 * verification has compared every row without a difference (and one more delta pass brings it up to date); every
 * other object of the source is on the target or accepted to be left behind, and the application logs in there and
 * reads its tables ({@link TargetReadiness}); the target can replicate the application's writes back (the fallback);
 * and the switcher and hooks are usable.
 */
class PreflightChecks {

    private final CutoverProperties settings;
    private final PgConnector connector;
    private final WindowVerification verification;
    private final SettingsSwitcher switcher;
    private final TargetReadiness readiness;
    private final UnreplicatedChecks unreplicated;
    private final FallbackLogin fallback;

    PreflightChecks(CutoverProperties settings, PgConnector connector, WindowVerification verification, SettingsSwitcher switcher,
                    UnreplicatedChecks unreplicated, FallbackLogin fallback) {
        this.unreplicated = unreplicated;
        this.fallback = fallback;
        this.settings = settings;
        this.connector = connector;
        this.verification = verification;
        this.switcher = switcher;
        this.readiness = new TargetReadiness(connector);
    }

    /** Objects of the source the target lacks and nobody accepted to lose, looked for again inside the window. */
    List<String> unacceptedLosses(StartCutover command) throws SQLException {
        List<String> lost = new ArrayList<>();
        for (String database : command.databases()) {
            readiness.unacceptedLosses(command.source().withDatabase(database), command.target().withDatabase(database),
                    command.acceptedLosses()).forEach(l -> lost.add(database + ": " + l.describe()));
        }
        return lost;
    }

    List<CutoverCheck> run(CutoverCommand command) throws InterruptedException {
        List<CutoverCheck> checks = new ArrayList<>();
        var expected = TargetReadiness.Expectations.of(command);
        for (String database : command.databases()) {
            try {
                database(command.source().withDatabase(database), command.target().withDatabase(database), checks,
                        command instanceof StartCutover start && start.maxWriteDowntimeSeconds() != null
                                ? Duration.ofSeconds(start.maxWriteDowntimeSeconds()) : settings.maxWriteDowntime(),
                        expected.acceptedLosses());
                checks.add(readiness.inventory(command.source().withDatabase(database), command.target().withDatabase(database),
                        expected));
                checks.add(readiness.applicationLogin(command.source().withDatabase(database),
                        command.target().withDatabase(database), expected));
            } catch (SQLException e) {
                checks.add(failed(database, "reachable", "a query failed: " + PgErrors.serverMessage(e)));
            }
        }
        PgEndpoint login = command instanceof StartCutover start ? start.fallbackLogin()
                : command instanceof RunPreflight preflight ? preflight.fallbackLogin() : command.target();
        checks.add(fallback.check(command.source(), command.target(), login, command.databases()));
        List<String> problems = switcher.problems(new HashSet<>(command.databases()));
        checks.add(problems.isEmpty() ? ok(null, "switcher", switcher.describe() + " can be written")
                : failed(null, "switcher", String.join("; ", problems)));
        List<String> hooks = new ArrayList<>(HookRunner.problems("stop-writes", settings.stopWritesCommand()));
        hooks.addAll(HookRunner.problems("start-application", settings.startApplicationCommand()));
        hooks.addAll(HookRunner.problems("finish", settings.finishCommand()));
        checks.add(hooks.isEmpty() ? ok(null, "hooks", describeHooks()) : failed(null, "hooks", String.join("; ", hooks)));
        return checks;
    }

    private void database(PgEndpoint source, PgEndpoint target, List<CutoverCheck> checks, Duration window,
                          List<String> accepted) throws SQLException, InterruptedException {
        String database = source.database();
        var names = ReplicationNames.of(database);
        try (Connection admin = connector.connect(target.withDatabase("postgres"))) {
            if (!Sql.exists(admin, "select 1 from pg_database where datname = ?", database)) {
                checks.add(failed(database, "subscription", "the target has no database " + database
                        + ": send StartReplication for it first"));
                return;
            }
        }
        try (Connection t = connector.connect(target); Connection s = connector.connect(source)) {
            String enabled = Sql.one(t, "select subenabled::text from pg_subscription where subname = ? and subdbid = "
                    + "(select oid from pg_database where datname = current_database())", names.subscription());
            if (enabled == null) {
                checks.add(failed(database, "subscription", "the target has no subscription " + names.subscription()
                        + ": replication was never started, or was reset"));
                return;
            }
            boolean streaming = enabled.equals("true") && applyWorkerRunning(t, names.subscription());
            checks.add(enabled.equals("true") && streaming ? ok(database, "subscription", names.subscription() + " is streaming")
                    : failed(database, "subscription", names.subscription() + (enabled.equals("true")
                    ? " has no running apply worker (see the target's log)" : " is disabled")));
            var states = Sql.strings(t, "select r.srsubstate::text from pg_subscription_rel r join pg_subscription s "
                    + "on s.oid = r.srsubid where s.subname = ?", names.subscription());
            long ready = states.stream().filter("r"::equals).count();
            checks.add(ready == states.size()
                    ? ok(database, "tables-ready", ready + "/" + states.size() + " tables ready (STOP_WAITING)")
                    : failed(database, "tables-ready", ready + "/" + states.size() + " tables ready (NEED_TO_WAIT)"));
            String lag = Sql.one(s, """
                    select pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint::text
                    from pg_replication_slots where slot_name = ?""", names.slot());
            if (lag == null) {
                checks.add(failed(database, "lag", "the source has no replication slot " + names.slot()));
            } else {
                long bytes = Long.parseLong(lag);
                checks.add(bytes <= settings.maxLag().toBytes() ? ok(database, "lag", bytes + " bytes behind")
                        : failed(database, "lag", bytes + " bytes behind, more than cutover.max-lag " + settings.maxLag()));
            }
            var drift = SchemaDrift.between(s, t, names.publication(), names.subscription(), accepted);
            checks.add(drift.isEmpty() ? ok(database, "schema", "the tables' columns agree on both sides")
                    : failed(database, "schema", drift.size() + " change(s) on the source since replication started: "
                    + drift.stream().limit(5).toList()));
            compareSets(database, "indexes", s, t, """
                    select n.nspname || '.' || c.relname from pg_index i join pg_class c on c.oid = i.indexrelid
                    join pg_namespace n on n.oid = c.relnamespace
                    where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and i.indisvalid""", checks);
            compareSets(database, "constraints", s, t, """
                    select conrelid::regclass::text || '.' || conname from pg_constraint c
                    join pg_namespace n on n.oid = c.connamespace
                    where n.nspname not in ('pg_catalog', 'information_schema') and conrelid <> 0""", checks);
            compareSets(database, "sequences", s, t, """
                    select schemaname || '.' || sequencename from pg_sequences
                    where schemaname not in ('pg_catalog', 'information_schema')""", checks);
        }
        checks.add(verification.online(source, target));
        checks.addAll(unreplicated.run(source, target, window));
    }

    /**
     * The application's login works on the target, on every database: a role created NOLOGIN or with another password
     * is found before writes stop, not by the application after the switch.
     */
    /**
     * The launcher starts one subscription's worker at a time, waiting wal_retrieve_retry_interval (5 s by default)
     * between starts, so a worker that is not running yet gets that long and a little more.
     */
    private static boolean applyWorkerRunning(Connection target, String subscription) throws SQLException {
        for (int attempt = 0; attempt < 60; attempt++) {
            if (Subscriptions.applyWorkerRunning(target, subscription)) {
                return true;
            }
            Sql.strings(target, "select pg_sleep(0.2)::text");
        }
        return false;
    }

    /** Everything the source has must be on the target (valid, for indexes); extra objects on the target are fine. */
    private static void compareSets(String database, String check, Connection source, Connection target, String sql,
                                    List<CutoverCheck> checks) throws SQLException {
        Set<String> wanted = new LinkedHashSet<>(Sql.strings(source, sql));
        wanted.removeAll(new HashSet<>(Sql.strings(target, sql)));
        if (wanted.isEmpty()) {
            checks.add(ok(database, check, "all on the target"));
        } else {
            checks.add(failed(database, check, wanted.size() + " missing or not valid on the target, e.g. "
                    + wanted.stream().limit(5).toList() + (check.equals("sequences") ? "" : ": the deferred post-data is not "
                    + "built yet; send CheckReplication until it reports every index created")));
        }
    }

    private String describeHooks() {
        return "stop-writes " + (settings.stopWritesCommand().isEmpty() ? "(none: read-only fence only)"
                : settings.stopWritesCommand().get(0)) + ", start-application " + (settings.startApplicationCommand().isEmpty()
                ? "(none)" : settings.startApplicationCommand().get(0));
    }

    private static CutoverCheck ok(String database, String check, String detail) {
        return new CutoverCheck(database, check, CutoverCheck.OK, detail);
    }

    private static CutoverCheck failed(String database, String check, String detail) {
        return new CutoverCheck(database, check, CutoverCheck.FAILED, detail);
    }
}
