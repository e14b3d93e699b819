package io.catalogmigration.common.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Commands on {@link Topics#REPLICATE_COMMAND} (runbook step 5): back up the source before anything changes, prepare
 * it, start native logical replication of one database, check how far it is (and build the indexes once it caught
 * up), or reset the target.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = BackUpSource.class, name = "BackUpSource"),
        @JsonSubTypes.Type(value = PrepareSource.class, name = "PrepareSource"),
        @JsonSubTypes.Type(value = StartReplication.class, name = "StartReplication"),
        @JsonSubTypes.Type(value = CheckReplication.class, name = "CheckReplication"),
        @JsonSubTypes.Type(value = ResetReplication.class, name = "ResetReplication")})
public sealed interface ReplicateCommand extends MigrationCommand
        permits BackUpSource, PrepareSource, StartReplication, CheckReplication, ResetReplication {

    /** The source endpoint: an administrator of the source server, on the database concerned. */
    PgEndpoint source();
}
