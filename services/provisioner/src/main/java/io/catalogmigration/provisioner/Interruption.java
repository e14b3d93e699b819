package io.catalogmigration.provisioner;

import software.amazon.awssdk.core.exception.AbortedException;

/**
 * Whether a failure only means the service is stopping: then the run must stay unfinished (and resume on the next
 * start) rather than end with a ProvisionFailed that nobody deserved.
 */
final class Interruption {

    static boolean stopping(Throwable failure) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InterruptedException || t instanceof AbortedException) {
                return true;
            }
        }
        return false;
    }

    private Interruption() {
    }
}
