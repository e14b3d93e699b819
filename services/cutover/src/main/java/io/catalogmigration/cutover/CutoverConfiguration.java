package io.catalogmigration.cutover;

import io.catalogmigration.common.active.ActiveInstance;
import io.catalogmigration.common.active.ActiveInstances;
import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.CommandTopic;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.run.CommandThreads;
import io.catalogmigration.common.run.RunStart;
import io.catalogmigration.cutover.switching.CommandSwitcher;
import io.catalogmigration.cutover.switching.FileSwitcher;
import io.catalogmigration.cutover.switching.HookRunner;
import io.catalogmigration.cutover.switching.SettingsSwitcher;
import io.catalogmigration.cutover.switching.SsmSwitcher;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

import java.time.Duration;
import java.util.Set;

/**
 * The cutover: its command topic (no work topic: a cutover is one window, run on one thread), the parts made from
 * their collaborators alone (imported), and below, those made from settings or assembled from smaller parts.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CutoverProperties.class)
@CommandTopic(name = "cutover", topic = Topics.CUTOVER_COMMAND, family = CutoverCommand.class)
@Import({CutoverStore.class, Fallback.class, FallbackLogin.class, Outcomes.class, CutoverRecovery.class,
        CutoverListeners.class})
class CutoverConfiguration {

    @Bean
    HookRunner hookRunner(CutoverProperties settings) {
        return new HookRunner(settings.hookTimeout(), settings.hookEnvironment());
    }

    @Bean
    SettingsSwitcher settingsSwitcher(CutoverProperties settings, HookRunner hooks) {
        var switcher = settings.switcher();
        return switch (switcher.kind()) {
            case "COMMAND" -> new CommandSwitcher(switcher.command(), hooks);
            case "SSM" -> SsmSwitcher.create(switcher.ssm());
            default -> new FileSwitcher(switcher.file(), switcher.format());
        };
    }

    /**
     * The fence keeps every login role but the migration's own from the fenced servers: the control database's user
     * is one (the control database may live on the source's server).
     */
    @Bean
    WriteFence writeFence(CutoverProperties settings, PgConnector connector, CutoverStore store, Environment environment) {
        String controlUser = environment.getProperty("spring.datasource.username", "");
        return new WriteFence(connector, store, settings.fenceRoles(), controlUser.isBlank() ? Set.of() : Set.of(controlUser));
    }

    @Bean
    WindowVerification windowVerification(CutoverProperties settings, PgConnector connector) {
        return new WindowVerification(connector, settings.catchUpTimeout());
    }

    @Bean
    PreflightChecks preflightChecks(CutoverProperties settings, PgConnector connector, WindowVerification verification,
                                    SettingsSwitcher switcher, FallbackLogin fallbackLogin) {
        return new PreflightChecks(settings, connector, verification, switcher, new UnreplicatedChecks(connector, settings),
                fallbackLogin);
    }

    /**
     * One run at a time: two cutovers never interleave their windows. A stop interrupts the run and waits up to 30 s
     * for it to release the source (inside a window) before the lock goes.
     */
    @Bean(destroyMethod = "close")
    CommandThreads cutoverThread() {
        return new CommandThreads("The cutover thread", 1, n -> "cutover", Duration.ofSeconds(30));
    }

    @Bean
    CutoverHandler cutoverHandler(CutoverProperties settings, PgConnector connector, CutoverStore store, RunLedger ledger,
                                  WriteFence fence, WindowVerification verification, PreflightChecks preflight,
                                  Fallback fallback, SettingsSwitcher switcher, HookRunner hooks, ProgressReporter progress,
                                  MessagePublisher publisher, Outcomes outcomes, CommandThreads cutoverThread,
                                  RunStart runStart) {
        var sequences = new SequenceCopy(connector);
        var parts = new CutoverRun.Parts(connector, store, ledger, fence, new CatchUp(connector), sequences, verification,
                preflight, fallback, new SwitchConfirmation(connector), switcher, hooks, progress,
                new UnreplicatedCopy(connector, settings));
        var back = new SwitchBack.Parts(store, fence, fallback, sequences, switcher, hooks, publisher, ledger, progress);
        return new CutoverHandler(ledger, outcomes, preflight, new CutoverRun(settings, parts), new SwitchBack(settings, back),
                new FallbackCommands(settings, store, fallback, hooks, new ReplicationRoleRetirement(connector)), store, connector, runStart,
                cutoverThread);
    }

    /**
     * One instance at a time takes cutover commands and settles what an earlier one left: a second instance started
     * during a window waits, and never settles the running cutover. On a stop the run in progress stops (and, inside a
     * window, releases the source) before the lock goes.
     */
    @Bean
    ActiveInstance cutoverActiveInstance(ActiveInstances instances, CutoverRecovery recovery, CommandThreads cutoverThread) {
        return instances.create(java.util.List.of(CutoverListeners.COMMANDS), recovery::settleUnfinishedRuns,
                cutoverThread::close);
    }
}
