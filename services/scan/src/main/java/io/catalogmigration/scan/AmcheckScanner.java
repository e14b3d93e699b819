package io.catalogmigration.scan;

import io.catalogmigration.common.pg.SqlIdentifier;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a block range with amcheck's verify_heapam, TOAST included. It names the exact block and offset of each
 * damaged tuple and reads nothing the client must receive, so it runs close to the speed of reading the pages.
 */
final class AmcheckScanner {

    static List<Suspect> check(Connection connection, String amcheckSchema, ScanItem item) throws SQLException {
        long blocks = Blocks.current(connection, item.oid());
        if (item.startBlock() >= blocks) {
            return List.of(); // the range was truncated away by VACUUM since planning
        }
        // verify_heapam refuses an end past the relation's last block; the last item goes to the end as it is now.
        Long lastBlock = item.endBlock() == null ? null : Math.min(item.endBlock(), blocks) - 1;
        Map<String, List<String>> messages = new LinkedHashMap<>();
        try (var ps = connection.prepareStatement("select blkno, offnum, attnum, msg from "
                + SqlIdentifier.quote(amcheckSchema) + ".verify_heapam(?::oid::regclass, on_error_stop => false, "
                + "check_toast => true, skip => 'none', startblock => ?, endblock => ?)")) {
            ps.setLong(1, item.oid());
            if (item.startBlock() == 0 && lastBlock == null) {
                ps.setNull(2, Types.BIGINT);
            } else {
                ps.setLong(2, item.startBlock());
            }
            if (lastBlock == null) {
                ps.setNull(3, Types.BIGINT);
            } else {
                ps.setLong(3, lastBlock);
            }
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    long block = rs.getLong(1);
                    int offset = rs.getInt(2);
                    String where = rs.wasNull() ? "block " + block : "(" + block + "," + offset + ")";
                    int attribute = rs.getInt(3);
                    String message = rs.wasNull() ? rs.getString(4) : "attribute " + attribute + ": " + rs.getString(4);
                    messages.computeIfAbsent(where, k -> new ArrayList<>()).add(message);
                }
            }
        }
        List<Suspect> suspects = new ArrayList<>();
        messages.forEach((ctid, list) -> suspects.add(new Suspect(ctid, String.join("; ", list))));
        return suspects;
    }

    private AmcheckScanner() {
    }
}
