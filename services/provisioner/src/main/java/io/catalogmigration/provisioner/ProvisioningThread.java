package io.catalogmigration.provisioner;

import io.catalogmigration.common.run.CommandThreads;
import org.springframework.core.task.TaskExecutor;

/**
 * The one thread runs are carried out on, one at a time, away from the Kafka listener. When the service stops, the
 * run in progress is interrupted at once (common's CommandThreads); it stays unfinished in the ledger and
 * {@link ProvisionRecovery} runs it again on the next start.
 */
class ProvisioningThread extends CommandThreads implements TaskExecutor {

    ProvisioningThread() {
        super("The provisioning thread", 1, n -> "provisioning");
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(task);
    }
}
