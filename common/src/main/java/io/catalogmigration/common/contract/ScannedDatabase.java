package io.catalogmigration.common.contract;

import java.util.List;

/**
 * One database of a scan.
 *
 * @param database the endpoint as {@code user@host:port/db} (no secret)
 * @param method   the method that ran: AMCHECK or READ_ROWS
 * @param note     why that method (e.g. why amcheck was not used), or null
 */
public record ScannedDatabase(String database, ScanMethod method, long bytes, List<ScannedTable> tables, String note) {
}
