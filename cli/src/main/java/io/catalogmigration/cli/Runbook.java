package io.catalogmigration.cli;

import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.LineageCommand;
import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.contract.ProvisionCommand;
import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ScanCommand;
import io.catalogmigration.common.contract.Topics;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The whole migration in order, through Kafka: each step publishes its command(s), waits for the outcome of exactly
 * that run, and the first failure stops everything with its reason and what to do.
 */
final class Runbook {

    /** A step's outcome failed, or cannot be used by the later steps. */
    static final class StepFailed extends RuntimeException {
        final RunbookStep step;
        final String action;

        StepFailed(RunbookStep step, String reason, String action) {
            super(reason);
            this.step = step;
            this.action = action;
        }
    }

    static final class StepTimedOut extends RuntimeException {
        final RunbookStep step;

        StepTimedOut(RunbookStep step, String waitingFor) {
            super(waitingFor);
            this.step = step;
        }
    }

    private static final class NotConfirmed extends RuntimeException {
    }

    private final RunbookSettings s;
    private final RunbookCommands commands;
    private final Broker broker;
    private final PrintWriter out;
    private final BufferedReader in;
    private final boolean terminal;
    private final RunbookReport report = new RunbookReport();
    /** When each step sent its first command. */
    private final Map<RunbookStep, Instant> stepSent = new EnumMap<>(RunbookStep.class);
    private Outcomes outcomes;
    private RunbookCommands.Target target;

    /** @param terminal the answer is typed on a terminal, which echoes the line end; otherwise we print it */
    Runbook(RunbookSettings settings, Broker broker, BufferedReader in, boolean terminal, PrintWriter out) {
        this.s = settings;
        this.commands = new RunbookCommands(settings);
        this.broker = broker;
        this.in = in;
        this.terminal = terminal;
        this.out = out;
    }

    /** @return 0 all done, 1 a step failed or the cutover was not confirmed, 4 a step timed out */
    int run() {
        Instant started = Instant.now();
        List<String> planned = new ArrayList<>();
        for (RunbookStep step : RunbookStep.values()) if (s.runs(step)) planned.add(step.label);
        out.println("runbook " + s.migrationId() + ": " + String.join(", ", planned)
                + (s.skipped().isEmpty() ? "" : " (skipped: " + join(s.skipped()) + ")"));
        out.flush();
        try (var sender = new Outcomes(broker, s.migrationId(), out)) {
            outcomes = sender;
            try {
                steps();
                report.print(out, s.migrationId(), null, Duration.between(started, Instant.now()));
                return MigrateCli.OK;
            } catch (StepFailed f) {
                stopped(f.step, "FAILED");
                report.print(out, s.migrationId(), f.step, Duration.between(started, Instant.now()));
                out.println("Step " + f.step + " failed: " + sentence(f.getMessage()) + ". What to do: " + sentence(f.action)
                        + ". Then resume with the same flags and --from " + f.step + ".");
                stillRunning();
                return MigrateCli.FAILED_OUTCOME;
            } catch (StepTimedOut t) {
                stopped(t.step, "TIMED OUT");
                report.print(out, s.migrationId(), t.step, Duration.between(started, Instant.now()));
                out.println("Step " + t.step + " timed out after " + Render.duration(s.stepTimeout()) + " (--step-timeout): "
                        + t.getMessage() + ". Follow it with 'migrate watch " + s.migrationId() + "', then resume with --from "
                        + t.step + ".");
                stillRunning();
                return MigrateCli.TIMED_OUT;
            } catch (NotConfirmed n) {
                return MigrateCli.FAILED_OUTCOME;
            } finally {
                out.flush();
            }
        }
    }

    private void steps() {
        if (s.runs(RunbookStep.BACKUP)) {
            // Before anything changes: prune deletes rows, scan may delete corrupted ones.
            single(RunbookStep.BACKUP, Topics.REPLICATE_COMMAND, ReplicateCommand.class, commands.backup());
        } else {
            out.println("[backup] skipped: no backup of the source was checked or taken by this run");
        }
        if (s.runs(RunbookStep.PRUNE)) {
            single(RunbookStep.PRUNE, Topics.PRUNE_COMMAND, PruneCommand.class, commands.prune());
        }
        if (s.runs(RunbookStep.SCAN)) {
            single(RunbookStep.SCAN, Topics.SCAN_COMMAND, ScanCommand.class, commands.scan());
        }
        // Independent of each other and both long: run at once, go on when both completed.
        List<Outcomes.Pending> both = new ArrayList<>();
        if (s.runs(RunbookStep.LINEAGE)) {
            both.add(send(RunbookStep.LINEAGE, Topics.LINEAGE_COMMAND, LineageCommand.class, commands.lineage()));
        }
        both.add(send(RunbookStep.PROVISION, Topics.PROVISION_COMMAND, ProvisionCommand.class, commands.provision()));
        Map<RunbookStep, Event.Outcome> done = awaitAll(both);
        target = provisioned(done.get(RunbookStep.PROVISION).json());
        if (s.runs(RunbookStep.PREPARE)) {
            single(RunbookStep.PREPARE, Topics.REPLICATE_COMMAND, ReplicateCommand.class, commands.prepare());
        }
        if (s.runs(RunbookStep.REPLICATE)) {
            List<Outcomes.Pending> databases = new ArrayList<>();
            for (String db : RunbookCommands.DATABASES) {
                databases.add(send(RunbookStep.REPLICATE, Topics.REPLICATE_COMMAND, ReplicateCommand.class,
                        commands.replicate(db, target)));
            }
            awaitAll(databases);
        }
        if (s.runs(RunbookStep.CATCH_UP)) {
            catchUp();
        }
        if (s.runs(RunbookStep.PREFLIGHT)) {
            single(RunbookStep.PREFLIGHT, Topics.CUTOVER_COMMAND, CutoverCommand.class, commands.preflight(target));
        }
        if (s.runs(RunbookStep.CUTOVER)) {
            if (commands.appUser(target) == null || commands.appPasswordRef(target) == null) {
                throw new StepFailed(RunbookStep.CUTOVER, "TargetProvisioned names no application user or no secret reference"
                        + " of its password", "give --app-user and --app-password-ref");
            }
            confirm();
            single(RunbookStep.CUTOVER, Topics.CUTOVER_COMMAND, CutoverCommand.class, commands.cutover(target));
        }
        if (s.runs(RunbookStep.SNAPSHOT)) {
            single(RunbookStep.SNAPSHOT, Topics.PROVISION_COMMAND, ProvisionCommand.class, commands.snapshot(target));
        }
    }

    private RunbookCommands.Target provisioned(JsonNode json) {
        var t = RunbookCommands.Target.of(json);
        if (t.host() == null || t.adminUser() == null || t.adminSecretRef() == null) {
            throw new StepFailed(RunbookStep.PROVISION, "TargetProvisioned does not name the target's host, administrator"
                    + " and administrator secret", "check the provisioner's version and logs, then resume");
        }
        out.println("[provision] target " + t.adminUser() + "@" + t.host() + ":" + t.port() + " (sslmode "
                + s.targetSslmode() + "), application user " + Render.nz(commands.appUser(t)));
        return t;
    }

    private void single(RunbookStep step, String topic, Class<? extends MigrationCommand> family, MigrationCommand command) {
        awaitAll(List.of(send(step, topic, family, command)));
    }

    private Outcomes.Pending send(RunbookStep step, String topic, Class<? extends MigrationCommand> family,
                                  MigrationCommand command) {
        var pending = outcomes.send(step, topic, family, command);
        stepSent.putIfAbsent(step, pending.sentAt());
        out.println("[" + step + "] sent " + pending.type() + describe(command) + ", run " + pending.runId());
        out.flush();
        return pending;
    }

    /**
     * Waits until every command has its outcome, checking each as it arrives; stops at the first failed one (the
     * others go on in their services) or the first whose step timed out.
     */
    private Map<RunbookStep, Event.Outcome> awaitAll(List<Outcomes.Pending> sent) {
        Map<RunbookStep, Event.Outcome> results = new EnumMap<>(RunbookStep.class);
        Map<RunbookStep, Instant> began = new EnumMap<>(RunbookStep.class);
        for (Outcomes.Pending p : sent) began.putIfAbsent(p.step(), p.sentAt());
        List<Outcomes.Pending> open = new ArrayList<>(sent);
        while (!open.isEmpty()) {
            // Sent in this order, so the first open command has the earliest deadline.
            Outcomes.Pending first = open.get(0);
            var any = CompletableFuture.anyOf(open.stream().map(Outcomes.Pending::outcome).toArray(CompletableFuture[]::new));
            waitFor(any, deadline(first.sentAt()), first);
            for (var it = open.iterator(); it.hasNext(); ) {
                Outcomes.Pending p = it.next();
                if (!p.outcome().isDone()) continue;
                it.remove();
                Event.Outcome o = waitFor(p.outcome(), null, p);
                check(p, o, true);
                results.put(p.step(), o);
                report.outcome(p.step(), o.json());
                // A step of several commands (one per database) took until its last outcome.
                if (open.stream().noneMatch(q -> q.step() == p.step())) {
                    report.took(p.step(), Duration.between(began.get(p.step()), Instant.now()));
                }
            }
        }
        return results;
    }

    /** Every database until it caught up and has its deferred indexes and constraints, one check each per interval. */
    private void catchUp() {
        Instant began = Instant.now();
        stepSent.putIfAbsent(RunbookStep.CATCH_UP, began);
        Instant deadline = deadline(began);
        Set<String> behind = new LinkedHashSet<>(RunbookCommands.DATABASES);
        while (true) {
            List<Outcomes.Pending> checks = new ArrayList<>();
            for (String db : behind) {
                checks.add(outcomes.send(RunbookStep.CATCH_UP, Topics.REPLICATE_COMMAND, ReplicateCommand.class,
                        commands.check(db, target)));
            }
            for (Outcomes.Pending p : checks) {
                String db = ((CheckReplication) p.command()).source().database();
                Event.Outcome o = waitFor(p.outcome(), deadline, p);
                boolean status = o.type().equals(RunbookStep.CATCH_UP.completed);
                if (status) out.println(RunbookText.checkLine(db, o.json()));
                check(p, o, !status || o.failed());
                report.outcome(RunbookStep.CATCH_UP, o.json());
                String differing = RunbookText.verificationProblem(o.json());
                if (differing != null) {
                    throw new StepFailed(RunbookStep.CATCH_UP, db + ": " + differing, "the target is not a faithful copy of "
                            + "those rows: mend them on the target (the next check verifies them again) or reset the "
                            + "replication of " + db + " and resume with --from replicate");
                }
                if (RunbookText.caughtUp(o.json())) behind.remove(db);
            }
            out.flush();
            if (behind.isEmpty()) break;
            Duration pause = s.checkInterval();
            if (deadline != null) {
                Duration left = Duration.between(Instant.now(), deadline);
                if (left.compareTo(pause) < 0) {
                    sleep(left);
                    throw new StepTimedOut(RunbookStep.CATCH_UP, String.join(" and ", behind) + " had not caught up");
                }
            }
            sleep(pause);
        }
        report.took(RunbookStep.CATCH_UP, Duration.between(began, Instant.now()));
    }

    /** The last chance to stop before the application's writes stop; the answer is read, never assumed. */
    private void confirm() {
        String source = s.source().host() + ":" + s.source().port();
        String to = target.host() + ":" + target.port();
        if (s.unattended()) {
            out.println("[cutover] --unattended: writes on " + source + " stop now; the application is switched to " + to);
            return;
        }
        out.println("About to cut over migration " + s.migrationId() + ":");
        out.println("  writes to " + String.join(" and ", RunbookCommands.DATABASES) + " on " + source
                + " stop now (the application's write downtime starts);");
        out.println("  the target catches up, every table is verified, then the application is switched to " + to
                + " as " + commands.appUser(target) + " and started.");
        out.println("  A failed check before the switch makes the source writable again and changes nothing else.");
        out.print("Type the migration id (" + s.migrationId() + ") to go on, anything else to stop: ");
        out.flush();
        String answer;
        try {
            answer = in.readLine();
        } catch (IOException e) {
            answer = null;
        }
        if (!terminal) out.println();
        if (answer == null || !answer.strip().equals(s.migrationId())) {
            out.println("Cutover not confirmed: nothing was stopped. When ready, run again with --from preflight.");
            out.flush();
            throw new NotConfirmed();
        }
    }

    /** A failed outcome, or one of another type than the step needs, stops the runbook. */
    private void check(Outcomes.Pending p, Event.Outcome o, boolean headline) {
        if (headline) out.println("[" + p.step() + "] " + Render.outcome(o).get(0));
        for (String line : RunbookText.details(o)) out.println(line);
        out.flush();
        if (o.failed()) {
            throw new StepFailed(p.step(), Render.nz(o.reason()), Render.nz(o.action()));
        }
        if (!o.type().equals(p.step().completed)) {
            throw new StepFailed(p.step(), p.type() + " was answered by " + o.type() + ", not " + p.step().completed,
                    "check that the services and this CLI are of the same version");
        }
    }

    private Event.Outcome waitFor(CompletableFuture<?> future, Instant deadline, Outcomes.Pending about) {
        try {
            Object value = deadline == null ? future.get()
                    : future.get(Math.max(0, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
            return value instanceof Event.Outcome o ? o : null;
        } catch (TimeoutException e) {
            throw new StepTimedOut(about.step(), "no outcome of " + about.type() + " run " + about.runId() + " yet");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepTimedOut(about.step(), "interrupted waiting for " + about.type());
        }
    }

    private Instant deadline(Instant from) {
        return s.stepTimeout() == null ? null : from.plus(s.stepTimeout());
    }

    /** The step that stopped the runbook, and those sent with it that go on, for the report's list of steps. */
    private void stopped(RunbookStep step, String how) {
        Instant began = stepSent.get(step);
        report.stopped(step, how, Duration.between(began == null ? Instant.now() : began, Instant.now()));
        for (Outcomes.Pending p : outcomes.stillRunning()) {
            if (p.step() != step) report.stillRunning(p.step());
        }
    }

    private void stillRunning() {
        for (Outcomes.Pending p : outcomes.stillRunning()) {
            out.println("Still running in its service: " + p.type() + " (step " + p.step() + ") run " + p.runId()
                    + "; see 'migrate status " + s.migrationId() + "'.");
        }
    }

    private static String describe(MigrationCommand command) {
        if (command instanceof ReplicateCommand r && !(r.source().database().equals("postgres"))) {
            return " for " + r.source().database();
        }
        return "";
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(0, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String sentence(String text) {
        String t = text == null ? "-" : text.strip();
        return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    }

    private static String join(Set<RunbookStep> steps) {
        List<String> labels = new ArrayList<>();
        for (RunbookStep step : steps) labels.add(step.label);
        return String.join(", ", labels);
    }
}
