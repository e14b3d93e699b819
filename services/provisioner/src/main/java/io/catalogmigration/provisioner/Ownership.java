package io.catalogmigration.provisioner;

import io.catalogmigration.common.pg.MigrationMarker;
import io.catalogmigration.common.run.MigrationProblem;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one rule for touching an existing resource: it carries this migration's id (an AWS tag, or a comment on a
 * local role or database, see {@link MigrationMarker}, which the replicator writes on the roles it creates too).
 * Everything else with a colliding name belongs to someone else.
 */
final class Ownership {

    static <T> Map<String, String> tags(List<T> tags, Function<T, String> key, Function<T, String> value) {
        return tags.stream().collect(Collectors.toMap(key, t -> value.apply(t) == null ? "" : value.apply(t), (a, b) -> b));
    }

    static boolean ours(Map<String, String> tags, String migrationId) {
        return migrationId.equals(tags.get(ResourceNames.TAG_MIGRATION));
    }

    /** Stops the run before it changes a resource of another migration, or one nobody tagged. */
    static void require(Map<String, String> tags, String migrationId, String what) {
        if (!ours(tags, migrationId)) {
            String found = tags.containsKey(ResourceNames.TAG_MIGRATION)
                    ? "it is tagged " + ResourceNames.TAG_MIGRATION + "=" + tags.get(ResourceNames.TAG_MIGRATION)
                    : "it has no " + ResourceNames.TAG_MIGRATION + " tag";
            throw MigrationProblem.withCode(what + " already exists and does not belong to migration " + migrationId + " (" + found + ")",
                    "leave it alone: give another dbInstanceIdentifier, or remove that resource if you know it is a leftover, "
                            + "then send the command again with a new commandId", null);
        }
    }

    /** The comment that marks a local role or database as this migration's: the rule every service shares. */
    static String localMarker(String migrationId) {
        return MigrationMarker.of(migrationId);
    }

    private Ownership() {
    }
}
