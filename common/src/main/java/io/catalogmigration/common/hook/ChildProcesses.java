package io.catalogmigration.common.hook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What a program the services start (an operator's hook, a client tool) gets and how it ends. Its environment is
 * built from an allow-list, not the service's own minus a deny-list: a deny-list misses {@code DB_PW} or
 * {@code *_API_KEY}. At a timeout the whole tree ends, not only the direct child: a hook's {@code sleep} or
 * {@code curl} must not outlive it.
 */
public final class ChildProcesses {

    /** Passed to every child: what a shell and its tools need to run and print in the right language and zone. */
    public static final Set<String> BASE = Set.of("PATH", "HOME", "LANG", "TZ");
    private static final long GRACE_MILLIS = 2000;

    private ChildProcesses() {
    }

    /**
     * @param parent the service's environment ({@link System#getenv()})
     * @param passed variables the operator allowed in addition (e.g. {@code cutover.hook-environment})
     * @param own    what the caller gives the child (secret references, ids); wins over the parent's
     * @return PATH, HOME, LANG, LC_*, TZ and the allowed names from the parent, then the caller's own variables
     */
    public static Map<String, String> environment(Map<String, String> parent, List<String> passed, Map<String, String> own) {
        Map<String, String> child = new LinkedHashMap<>();
        parent.forEach((name, value) -> {
            if (BASE.contains(name) || name.startsWith("LC_") || passed.contains(name)) {
                child.put(name, value);
            }
        });
        child.putAll(own);
        return child;
    }

    /** Replaces a ProcessBuilder's inherited environment by {@link #environment}. */
    public static ProcessBuilder withEnvironment(ProcessBuilder builder, Map<String, String> parent, List<String> passed,
                                                 Map<String, String> own) {
        Map<String, String> child = environment(parent, passed, own);
        builder.environment().clear();
        builder.environment().putAll(child);
        return builder;
    }

    /**
     * Ends the process and every process it started: asked first (SIGTERM), then, after a grace period, forced. The
     * descendants are listed before the parent ends, since an orphan is no longer its descendant.
     */
    public static void endTree(Process process) {
        List<ProcessHandle> tree = new java.util.ArrayList<>(process.descendants().toList());
        tree.add(0, process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS);
        for (ProcessHandle handle : tree) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    handle.onExit().get(left, TimeUnit.NANOSECONDS);
                }
            } catch (Exception e) {
                // still running: forced below
            }
        }
        // a child may have started another one while being asked to stop
        process.descendants().forEach(tree::add);
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
