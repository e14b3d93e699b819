package io.catalogmigration.cutover.switching;

import java.util.List;
import java.util.Set;

/** Where the application reads its database connection settings from, and how to change them in one step. */
public interface SettingsSwitcher {

    /** Where the settings live, for logs and events (no secret). */
    String describe();

    /** What would make a switch fail now (checked in preflight); empty when usable. */
    List<String> problems(Set<String> databases);

    /** What is in force now for these databases, in a form {@link #restore} takes back. Never a password. */
    String capture(Set<String> databases) throws Exception;

    /** Puts the settings in force, all at once where the store allows it. */
    void apply(ConnectionSettings settings) throws Exception;

    /** Puts back what {@link #capture} returned. */
    void restore(String captured, Set<String> databases) throws Exception;
}
