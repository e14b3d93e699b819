package io.catalogmigration.cutover;

import io.catalogmigration.common.command.CommandProblems;
import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.FinishCutover;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ResetCutover;
import io.catalogmigration.common.contract.RollBackCutover;
import io.catalogmigration.common.contract.RunPreflight;
import io.catalogmigration.common.contract.StartCutover;
import io.catalogmigration.common.pg.SqlIdentifier;
import io.catalogmigration.common.secret.SecretRef;
import io.catalogmigration.common.secret.SecretUnavailableException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/** What is wrong with a command before anything is touched; empty when it can be carried out. */
final class CommandCheck {

    static List<String> problems(CutoverCommand command) {
        var checked = CommandProblems.of(command).endpoint("source", command.source(), "the self-hosted server")
                .endpoint("target", command.target(), "the RDS instance");
        List<String> problems = new ArrayList<>(checked.list());
        if (command.databases().isEmpty()) {
            problems.add("databases is empty: name the replicated databases, e.g. rosemeta and lineage");
        }
        if (new HashSet<>(command.databases()).size() != command.databases().size()) {
            problems.add("databases names one database twice: " + command.databases());
        }
        for (String database : command.databases()) {
            String name = PgEndpoint.nameProblem("databases: a name", database);
            if (name != null) {
                problems.add(name);
                continue;
            }
            try {
                SqlIdentifier.quote(database);
            } catch (IllegalArgumentException e) {
                problems.add("databases: " + e.getMessage());
            }
        }
        String confirm = command instanceof StartCutover s ? s.confirm() : command instanceof RollBackCutover r ? r.confirm()
                : command instanceof ResetCutover x ? x.confirm() : command instanceof FinishCutover f ? f.confirm()
                : command.migrationId();
        if (confirm == null || !confirm.equals(command.migrationId())) {
            problems.add("confirm must repeat the migrationId (" + command.migrationId() + "): this command "
                    + (command instanceof StartCutover ? "stops the application's writes"
                    : command instanceof RollBackCutover ? "switches the application back"
                    : command instanceof FinishCutover ? "ends the fallback: no rollback is possible afterwards"
                    : "drops the target databases"));
        }
        PgEndpoint fallback = command instanceof StartCutover s ? s.fallback() : command instanceof RunPreflight p
                ? p.fallback() : null;
        if (fallback != null) {
            // Its database is each replicated one: only the login and where the source reaches the target matter.
            fallback.withDatabase("postgres").problems().forEach(p -> problems.add("fallback: " + p));
        }
        if (command instanceof StartCutover start) {
            if (start.applicationUser() == null || start.applicationUser().isBlank()) {
                problems.add("applicationUser is missing: the role the application logs in as on the target");
            } else if (PgEndpoint.nameProblem("applicationUser", start.applicationUser()) != null) {
                problems.add(PgEndpoint.nameProblem("applicationUser", start.applicationUser()));
            }
            // written into the application's settings: only libpq's modes (blank: the target endpoint's)
            String sslmode = PgEndpoint.sslmodeProblem("applicationSslmode", start.applicationSslmode());
            if (sslmode != null) {
                problems.add(sslmode);
            }
            if (start.applicationPasswordRef() == null || start.applicationPasswordRef().isBlank()) {
                problems.add("applicationPasswordRef is missing: a secret reference such as file:/run/secrets/app");
            } else {
                try {
                    SecretRef.parse(start.applicationPasswordRef());
                } catch (SecretUnavailableException e) {
                    problems.add("applicationPasswordRef: " + e.getMessage());
                }
            }
            Integer limit = start.maxWriteDowntimeSeconds();
            if (limit != null && (limit < 1 || limit > 3600)) {
                problems.add("maxWriteDowntimeSeconds must be 1-3600 (or absent for cutover.max-write-downtime), got " + limit);
            }
        }
        return problems;
    }

    private CommandCheck() {
    }
}
