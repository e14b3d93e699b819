package io.catalogmigration.provisioner;

import io.catalogmigration.common.run.MigrationProblem;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.Set;

/** Turns what AWS refused into a reason and a remedy an operator can act on. */
final class AwsFailure {

    private static final Set<String> DENIED = Set.of("AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
            "AuthFailure", "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", "ExpiredToken",
            "ExpiredTokenException", "OptInRequired");

    /** @param call what the service was doing, e.g. "CreateDBInstance catalog-rds-2026" */
    static MigrationProblem of(String call, SdkException e) {
        if (!(e instanceof AwsServiceException aws) || aws.awsErrorDetails() == null) {
            return MigrationProblem.withCode(call + " did not reach AWS after the SDK's retries: " + e.getMessage(),
                    "check network access to the AWS endpoints (or provisioner.aws.endpoint-override) and the credentials, "
                            + "then send the command again with a new commandId: what exists is adopted", null);
        }
        String code = aws.awsErrorDetails().errorCode();
        String said = aws.awsErrorDetails().errorMessage();
        String reason = call + " was refused by AWS (" + code + "): " + said;
        if (code != null && DENIED.contains(code)) {
            return MigrationProblem.withCode(reason, "grant the identity the service runs as the IAM permissions listed in "
                    + "services/provisioner/README.md (this call needs its own), then send the command again with a new commandId", code);
        }
        if ("InsufficientDBInstanceCapacity".equals(code)) {
            return MigrationProblem.withCode(reason, "AWS has no capacity for this instance class in these availability zones "
                    + "right now: send the command again later with a new commandId, or set another class in "
                    + "provisioner.sizing.instance-classes; the network resources made so far are adopted", code);
        }
        if (code != null && (code.contains("QuotaExceeded") || code.contains("LimitExceeded"))) {
            return MigrationProblem.withCode(reason, "an account quota is reached: request an increase in Service Quotas "
                    + "(or delete unused resources of that kind), then send the command again with a new commandId", code);
        }
        if (code != null && code.startsWith("InvalidParameter")) {
            return MigrationProblem.withCode(reason, "check that the engine version and instance class exist together in this "
                    + "region (aws rds describe-orderable-db-instance-options), correct the command or "
                    + "provisioner.sizing.instance-classes, then send it again with a new commandId", code);
        }
        return MigrationProblem.withCode(reason, "read AWS's message above, fix the cause, then send the command again with a "
                + "new commandId: resources of this migration that exist are adopted, not created twice", code);
    }

    static String code(SdkException e) {
        return e instanceof AwsServiceException aws && aws.awsErrorDetails() != null ? aws.awsErrorDetails().errorCode() : null;
    }

    private AwsFailure() {
    }
}
