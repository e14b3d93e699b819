package io.catalogmigration.cutover.switching;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator's own switch: a hook run with CUTOVER_ACTION=switch and the settings as environment variables
 * ({@code ROSEMETA_HOST}, {@code ROSEMETA_PASSWORD_REF}, ...), or CUTOVER_ACTION=restore to put its previous
 * settings back. What the hook changes is its own business, so the capture is empty.
 */
public final class CommandSwitcher implements SettingsSwitcher {

    private final List<String> command;
    private final HookRunner hooks;

    public CommandSwitcher(List<String> command, HookRunner hooks) {
        this.command = List.copyOf(command);
        this.hooks = hooks;
    }

    @Override
    public String describe() {
        return "command " + command.get(0);
    }

    @Override
    public List<String> problems(Set<String> databases) {
        return HookRunner.problems("switch", command);
    }

    @Override
    public String capture(Set<String> databases) {
        return "";
    }

    @Override
    public void apply(ConnectionSettings settings) throws HookRunner.HookFailed {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("CUTOVER_ACTION", "switch");
        environment.put("CUTOVER_DATABASES", String.join(",", settings.databases().keySet()));
        settings.flatten().forEach((key, value) -> environment.put(FileSwitcher.envName(key), value));
        hooks.run("switch", command, environment);
    }

    @Override
    public void restore(String captured, Set<String> databases) throws HookRunner.HookFailed {
        hooks.run("switch", command, Map.of("CUTOVER_ACTION", "restore", "CUTOVER_DATABASES", String.join(",", databases)));
    }
}
