package io.catalogmigration.common.contract;

/**
 * One subscribed table's state: {@code srsubstate} of pg_subscription_rel (i init, d copying, f copied,
 * s synchronized, r ready).
 */
public record TableSync(String table, String state) {
}
