package io.catalogmigration.provisioner;

import io.catalogmigration.common.command.CommandProblems;
import io.catalogmigration.common.contract.DeprovisionTarget;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PlanTarget;
import io.catalogmigration.common.contract.ProvisionCommand;
import io.catalogmigration.common.contract.ProvisionTarget;
import io.catalogmigration.common.contract.SnapshotTarget;

import java.util.List;
import java.util.regex.Pattern;

/** What is wrong with a provisioner command, all at once, before anything is measured or created. */
final class CommandCheck {

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
    private static final Pattern EC2_INSTANCE = Pattern.compile("i-[0-9a-f]{8,17}");
    private static final Pattern ENGINE_VERSION = Pattern.compile("\\d{1,2}(\\.\\d{1,3}){0,2}");

    static List<String> problems(ProvisionCommand command, String provider) {
        var problems = CommandProblems.of(command);
        if (command instanceof PlanTarget plan) {
            sizingInputs(problems, plan.source(), plan.objectCount(), plan.concurrentUsers(), plan.sourceCpuCount());
        } else if (command instanceof ProvisionTarget provision) {
            sizingInputs(problems, provision.source(), provision.objectCount(), provision.concurrentUsers(),
                    provision.sourceCpuCount());
            target(problems, provider, provision.region(), provision.dbInstanceIdentifier(), provision.target(), false);
            if (ProvisionCommand.AWS.equals(provider)) {
                if (provision.sourceInstanceId() == null || !EC2_INSTANCE.matcher(provision.sourceInstanceId()).matches()) {
                    problems.add("sourceInstanceId " + describe(provision.sourceInstanceId()) + " is not an EC2 instance id "
                            + "(i-0123456789abcdef0): the target goes into the VPC of the instance the catalog runs on");
                }
                if (provision.engineVersion() != null && !ENGINE_VERSION.matcher(provision.engineVersion()).matches()) {
                    problems.add("engineVersion '" + provision.engineVersion() + "' is not a PostgreSQL version such as 16 or 16.4");
                }
            }
        } else if (command instanceof DeprovisionTarget deprovision) {
            if (!Boolean.TRUE.equals(deprovision.confirm())) {
                problems.add("confirm is not true: deprovisioning deletes the target's databases, so it must be confirmed "
                        + "explicitly with \"confirm\": true");
            }
            target(problems, provider, deprovision.region(), deprovision.dbInstanceIdentifier(), deprovision.target(), true);
        } else if (command instanceof SnapshotTarget snapshot) {
            target(problems, provider, snapshot.region(), snapshot.dbInstanceIdentifier(), snapshot.target(), true);
        }
        return problems.list();
    }

    private static void sizingInputs(CommandProblems problems, PgEndpoint source, Long objects, Integer users, Integer cpus) {
        problems.endpoint("source", source, "give the source server's rosemeta database (host, port, database, user, "
                + "sslmode, passwordRef) so its databases can be measured");
        if (objects != null && objects < 0) {
            problems.add("objectCount " + objects + " is negative");
        }
        if (users != null && users < 0) {
            problems.add("concurrentUsers " + users + " is negative");
        }
        if (cpus != null && cpus < 1) {
            problems.add("sourceCpuCount " + cpus + " must be at least 1");
        }
    }

    private static void target(CommandProblems problems, String provider, String region, String identifier,
                               PgEndpoint target, boolean identifierRequired) {
        if (ProvisionCommand.AWS.equals(provider)) {
            if (region == null || !REGION.matcher(region).matches()) {
                problems.add("region " + describe(region) + " is not an AWS region such as us-east-1");
            }
            if (identifierRequired && identifier == null) {
                problems.add("dbInstanceIdentifier is missing: name the RDS instance explicitly");
            } else if (identifier != null && !ResourceNames.validInstanceIdentifier(identifier)) {
                problems.add("dbInstanceIdentifier '" + identifier + "' is not a valid RDS identifier (1-63 letters, digits "
                        + "or hyphens, a letter first, no trailing or double hyphen)");
            }
        } else if (ProvisionCommand.LOCAL.equals(provider)) {
            // the local provider uses neither, but a value given is still checked: nothing unchecked reaches the ledger
            if (region != null && !REGION.matcher(region).matches()) {
                problems.add("region is not an AWS region such as us-east-1 (the local provider needs none: leave it out)");
            }
            if (identifier != null && !ResourceNames.validInstanceIdentifier(identifier)) {
                problems.add("dbInstanceIdentifier is not a valid RDS identifier (the local provider needs none: leave it out)");
            }
            problems.endpoint("target", target, "the local provider needs the PostgreSQL server standing in for RDS "
                    + "(host, port, database, user, sslmode, passwordRef of an administrator)");
        } else {
            problems.add("unknown provider '" + provider + "': use \"aws\" (an RDS instance) or \"local\" (a PostgreSQL "
                    + "server standing in for RDS)");
        }
    }

    private static String describe(String value) {
        return value == null ? "(missing)" : "'" + value + "'";
    }

    private CommandCheck() {
    }
}
