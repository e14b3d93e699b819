package io.catalogmigration.scan;

import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.TableName;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Deletes one damaged row by ctid, in its own transaction, and only if it still cannot be read: the row is locked
 * first (which reads no column), checked to be the same row (same key, when the key was readable), read again under
 * a savepoint, and deleted only if that read fails.
 */
final class Repairer {

    enum Result {
        DELETED("deleted"),
        READS_FINE("reads fine now, kept"),
        GONE("no longer at this ctid (updated or deleted since the scan), kept"),
        NOT_ADDRESSABLE("only its block is known, so it cannot be deleted by ctid; kept"),
        REFERENCED("still referenced by a foreign key, kept");

        final String description;

        Result(String description) {
            this.description = description;
        }
    }


    static Result repair(Connection connection, String table, Suspect suspect) throws SQLException {
        if (!suspect.addressable()) {
            return Result.NOT_ADDRESSABLE;
        }
        String quoted = TableName.parse(table).quoted();
        String sameRow = " where ctid = ?::tid" + RowKeys.match(suspect.key());
        connection.setAutoCommit(false);
        try {
            try (var lock = connection.prepareStatement("select 1 from " + quoted + sameRow + " for update")) {
                lock.setString(1, suspect.ctid());
                RowKeys.bind(lock, 2, suspect.key());
                try (var rs = lock.executeQuery()) {
                    if (!rs.next()) {
                        connection.rollback();
                        return Result.GONE;
                    }
                }
            }
            var beforeRead = connection.setSavepoint();
            try (var read = connection.prepareStatement("select length(t::text) from " + quoted + " t where ctid = ?::tid")) {
                read.setString(1, suspect.ctid());
                read.executeQuery().close();
                connection.rollback();
                return Result.READS_FINE;
            } catch (SQLException e) {
                if (!PgErrors.dataCorruption(e)) {
                    throw e;
                }
                connection.rollback(beforeRead);
            }
            try (var delete = connection.prepareStatement("delete from " + quoted + sameRow)) {
                delete.setString(1, suspect.ctid());
                RowKeys.bind(delete, 2, suspect.key());
                if (delete.executeUpdate() != 1) {
                    connection.rollback();
                    return Result.GONE;
                }
            } catch (SQLException e) {
                if (PgErrors.foreignKeyViolation(e)) {
                    connection.rollback();
                    return Result.REFERENCED;
                }
                throw e;
            }
            connection.commit();
            return Result.DELETED;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private Repairer() {
    }
}
