package io.catalogmigration.cutover.switching;

import java.time.Duration;

/** The cutover's hooks: the common runner, naming cutover.hook-timeout when a hook is killed. */
public final class HookRunner extends io.catalogmigration.common.hook.HookRunner {

    public HookRunner(Duration timeout) {
        this(timeout, java.util.List.of());
    }

    /** @param passedEnvironment cutover.hook-environment: the service's variables the hooks may see */
    public HookRunner(Duration timeout, java.util.List<String> passedEnvironment) {
        super(timeout, "cutover.hook-timeout, or what was left of the window", "hook", passedEnvironment);
    }
}
