package io.catalogmigration.provisioner;

import io.catalogmigration.common.pg.MigrationMarker;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Names of everything a migration creates, all derived from its DB instance identifier, so a second attempt
 * looks for (and adopts) exactly what the first one made.
 */
record ResourceNames(String instance, String subnetGroup, String securityGroup, String secret) {

    static final String TAG_MIGRATION = MigrationMarker.KEY;
    static final String TAG_MANAGED_BY = "managed-by";
    static final String MANAGED_BY = MigrationMarker.MANAGED_BY;

    /** RDS: 1-63 letters, digits or hyphens, a letter first, no trailing or double hyphen. */
    private static final Pattern INSTANCE = Pattern.compile("[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}(?<!-)");
    private static final DateTimeFormatter SNAPSHOT_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    static ResourceNames of(String instanceIdentifier, String appUser) {
        String id = instanceIdentifier.toLowerCase(Locale.ROOT);
        return new ResourceNames(id, id + "-subnets", id + "-db", "catalog-migration/" + id + "/" + appUser);
    }

    static boolean validInstanceIdentifier(String identifier) {
        return identifier != null && INSTANCE.matcher(identifier).matches();
    }

    /** {@code catalog-<migrationId>}, lower-cased, other characters as hyphens, cut to RDS's 63. */
    static String defaultInstanceIdentifier(String migrationId) {
        String name = ("catalog-" + migrationId.toLowerCase(Locale.ROOT)).replaceAll("[^a-z0-9]+", "-").replaceAll("-+", "-");
        name = name.length() > 63 ? name.substring(0, 63) : name;
        return name.replaceAll("-+$", "");
    }

    /** The parameter group carries the family, so a later major upgrade gets a group of its own. */
    String parameterGroup(int major) {
        return instance + "-postgres" + major;
    }

    /**
     * The first snapshot after the cutover, named after the command that asks for it: a restarted run finds (and waits
     * for) the snapshot it asked for instead of taking a second one.
     */
    String cutoverSnapshot(java.util.UUID commandId) {
        return instance + "-cutover-" + commandId.toString().substring(0, 8);
    }

    String finalSnapshot(Instant at) {
        return instance + "-final-" + SNAPSHOT_TIME.format(at);
    }
}
