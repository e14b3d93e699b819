package io.catalogmigration.scan;

import io.catalogmigration.common.contract.CorruptRow;
import io.catalogmigration.common.kafka.MessageJson;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.core.type.TypeReference;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What workers found and deleted, in the scan schema of the control database. Every write is idempotent, so a
 * redelivered batch records nothing twice, and any instance can build the outcome from here.
 */
class Findings {

    /** A finding or a deletion, with the database it came from. */
    record Row(String database, CorruptRow row) {
    }

    private static final TypeReference<Map<String, String>> KEY = new TypeReference<>() {
    };

    private final JdbcTemplate jdbc;

    Findings(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void found(UUID runId, String database, String table, Suspect suspect) {
        jdbc.update("""
                insert into finding (run_id, database, table_name, row_ctid, error, row_key) values (?, ?, ?, ?, ?, ?::jsonb)
                on conflict do nothing""", runId, database, table, suspect.ctid(), suspect.error(), json(suspect.key()));
    }

    void deleted(UUID runId, String database, String table, Suspect suspect) {
        jdbc.update("""
                insert into deleted_row (run_id, database, table_name, row_ctid, row_key, error) values (?, ?, ?, ?, ?::jsonb, ?)
                on conflict do nothing""", runId, database, table, suspect.ctid(), json(suspect.key()), suspect.error());
    }

    boolean itemDone(UUID runId, int seq, int item) {
        return jdbc.queryForObject("select count(*) from scanned_item where run_id = ? and seq = ? and item = ?",
                Long.class, runId, seq, item) > 0;
    }

    void markItemDone(UUID runId, int seq, int item, String database, ScanItem scanned, String method, long millis) {
        jdbc.update("""
                insert into scanned_item (run_id, seq, item, database, table_name, bytes, method, millis, table_items)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing""",
                runId, seq, item, database, scanned.table(), scanned.bytes(), method, millis, scanned.tableItems());
    }

    /** Tables all of whose items are checked. */
    long tablesDone(UUID runId) {
        return jdbc.queryForObject("""
                select count(*) from (select 1 from scanned_item where run_id = ? group by database, table_name
                having count(*) >= max(table_items)) done""", Long.class, runId);
    }

    List<Row> found(UUID runId) {
        return rows("select database, table_name, row_ctid, error, row_key::text from finding where run_id = ? order by found_at, row_ctid", runId);
    }

    List<Row> deleted(UUID runId) {
        return rows("select database, table_name, row_ctid, error, row_key::text from deleted_row where run_id = ? order by deleted_at, row_ctid", runId);
    }

    private List<Row> rows(String sql, UUID runId) {
        return jdbc.query(sql, (rs, i) -> new Row(rs.getString(1), new CorruptRow(rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getString(5) == null ? null : MessageJson.mapper().readValue(rs.getString(5), KEY))), runId);
    }

    private static String json(Map<String, String> key) {
        return key == null ? null : MessageJson.mapper().writeValueAsString(key);
    }
}
