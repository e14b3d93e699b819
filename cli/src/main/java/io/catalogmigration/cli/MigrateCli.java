package io.catalogmigration.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.util.regex.Pattern;

/**
 * {@code migrate}: the operators' tool. Publishes commands (secrets only as references), follows progress and
 * outcomes, and prints the state of a migration.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true, version = "migrate 0.1.0",
        description = "Operate a catalog migration over Kafka: publish commands, watch progress, show status.",
        subcommands = {PruneCli.class, ScanCli.class, ProvisionCli.class, LineageCli.class, ReplicateCli.class,
                CutoverCli.class, CancelCli.class, RunbookCli.class, WatchCli.class, StatusCli.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 done (or a completed outcome), 1 a failed outcome (runbook: a failed step or no",
                "confirmation), 2 invalid flags or secret reference, 3 Kafka unreachable, 4 timed out waiting."})
public final class MigrateCli implements Runnable {

    static final int OK = 0;
    static final int FAILED_OUTCOME = 1;
    static final int USAGE = 2;
    static final int UNREACHABLE = 3;
    static final int TIMED_OUT = 4;

    /** {@code --password}, {@code --source-password=...}: a password flag of any kind, but not {@code --*-password-ref}. */
    private static final Pattern PASSWORD_FLAG = Pattern.compile("--([a-z-]*-)?(password|passwd|pgpassword)(=.*)?",
            Pattern.CASE_INSENSITIVE);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one invocation; the exit code is returned, never {@code System.exit}. Questions are read from stdin. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, null, out, err);
    }

    /**
     * Runs one invocation reading the operator's answers (the runbook's cutover confirmation) from {@code in}, so a
     * program or a test can answer them; null reads standard input. {@code runbook --unattended} asks nothing.
     */
    public static int run(String[] args, BufferedReader in, PrintWriter out, PrintWriter err) {
        for (String arg : args) {
            if (PASSWORD_FLAG.matcher(arg).matches()) {
                String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                err.println("Refused: " + flag + " is not accepted; passwords never go on the command line or into"
                        + " Kafka. Use " + flag + "-ref with a secret reference: " + SecretRef.FORMS + ".");
                err.flush();
                return USAGE;
            }
        }
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                if (type == RunbookCli.class) return type.cast(new RunbookCli(in));
                return CommandLine.defaultFactory().create(type);
            }
        };
        var cli = new CommandLine(new MigrateCli(), factory)
                .setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    if (e instanceof BrokerUnreachable) {
                        commandLine.getErr().println(e.getMessage());
                        return UNREACHABLE;
                    }
                    if (e instanceof CommandLine.ParameterException pe) {
                        commandLine.getErr().println(pe.getMessage());
                        pe.getCommandLine().usage(commandLine.getErr());
                        return USAGE;
                    }
                    throw e;
                });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
