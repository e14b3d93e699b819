package io.catalogmigration.common.contract;

/**
 * The replication from the target back to the source for one database, set up at the switch so that a rollback keeps
 * every write made on the target: a publication and a slot on the target, a subscription on the source.
 *
 * @param streaming true when the source's subscription is enabled with its apply worker running and the target's slot
 *                  is in use
 * @param lagBytes  how far the source is behind the target (the target's WAL position minus what the source has
 *                  confirmed); null when the slot is missing
 * @param detail    what is wrong when not streaming, else a short description
 */
public record FallbackReplication(String database, String publication, String slot, String subscription, boolean streaming,
                                  Long lagBytes, String detail) {
}
