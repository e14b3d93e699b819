package io.catalogmigration.lineage;

import io.catalogmigration.common.pg.PgErrors;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.kafka.KafkaException;

import java.sql.SQLException;
import java.sql.SQLTransientException;

/** Faults that pass by themselves (a database or broker restarting, a connection lost): worth waiting for. */
final class TransientFaults {

    /** What the fault says we are waiting for, or null when it will not pass by waiting. */
    static String waitingFor(Throwable fault) {
        for (Throwable t = fault; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && (PgErrors.transientFault(sql) || sql instanceof SQLTransientException)) {
                return "a database (SQLSTATE " + sql.getSQLState() + ": " + PgErrors.serverMessage(sql) + ")";
            }
            if (t instanceof DataAccessResourceFailureException || t instanceof TransientDataAccessException) {
                return "the control database (" + t.getMessage() + ")";
            }
            if (t instanceof org.apache.kafka.common.errors.RetriableException
                    || t instanceof org.apache.kafka.common.errors.TimeoutException
                    || t instanceof org.apache.kafka.common.errors.DisconnectException
                    || t instanceof KafkaException) {
                return "the Kafka broker (" + t.getClass().getSimpleName() + ": " + t.getMessage() + ")";
            }
            if (t instanceof java.net.ConnectException || t instanceof java.net.SocketException) {
                return "a connection (" + t.getMessage() + ")";
            }
        }
        return null;
    }

    private TransientFaults() {
    }
}
