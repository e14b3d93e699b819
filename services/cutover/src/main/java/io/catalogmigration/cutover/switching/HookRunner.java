package io.catalogmigration.cutover.switching;

import java.time.Duration;

/** The cutover's hooks: the common runner, naming cutover.hook-timeout when a hook is killed. */
public final class HookRunner extends io.catalogmigration.common.hook.HookRunner {

    public HookRunner(Duration timeout) {
        super(timeout, "cutover.hook-timeout, or what was left of the window");
    }
}
