package io.catalogmigration.testkit.architecture.sample.bad;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Breaks "DriverManager only in common.pg". */
class OpensItsOwnConnection {

    Connection open() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost/x");
    }
}
