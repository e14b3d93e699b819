package io.catalogmigration.common.contract;

/**
 * The AWS resources that make up a target (all null for the local provider). Every one is tagged
 * {@code migration-id=<migrationId>} and {@code managed-by=catalog-migration}.
 */
public record ProvisionedResources(String dbInstanceIdentifier, String dbInstanceArn, String dbSubnetGroup,
                                   String securityGroupId, String parameterGroup, String vpcId,
                                   String adminSecretArn, String appUserSecretArn) {
}
