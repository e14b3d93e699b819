package io.catalogmigration.replicator;

import io.catalogmigration.common.pg.AdministratorRoles;
import io.catalogmigration.common.run.MigrationProblem;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** The target administrator takes on the roles owning the copied objects, or the run fails saying what to grant. */
final class TargetAdministrator {

    private TargetAdministrator() {
    }

    static void actAs(Connection target, List<String> roles) throws SQLException {
        try {
            AdministratorRoles.assume(target, roles);
        } catch (AdministratorRoles.NotGrantable e) {
            throw new MigrationProblem(e.getMessage() + " (the role owns or is granted objects of the source)",
                    "as a role holding ADMIN OPTION on it (on RDS the master user, for roles it created; a superuser or "
                            + "rds_superuser role cannot own the copied objects: give them to another role on the source), "
                            + "run on the target: " + e.grant() + "; then send StartReplication again");
        }
    }
}
