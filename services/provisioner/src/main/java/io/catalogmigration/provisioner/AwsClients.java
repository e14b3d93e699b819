package io.catalogmigration.provisioner;

import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The SDK clients of one region, built once and reused. Throttling and transient faults are retried by the SDK's
 * own retry strategy; credentials come from the default provider chain (environment, profile, instance role).
 */
class AwsClients implements AutoCloseable {

    /** Lets a waiter's caller see every DescribeDBInstances answer, to report the instance's status as progress. */
    static final ExecutionAttribute<Consumer<DescribeDbInstancesResponse>> WAIT_OBSERVER =
            new ExecutionAttribute<>("catalog-migration.wait-observer");

    /** The same for DescribeDBSnapshots answers, while a snapshot is taken. */
    static final ExecutionAttribute<Consumer<DescribeDbSnapshotsResponse>> SNAPSHOT_WAIT_OBSERVER =
            new ExecutionAttribute<>("catalog-migration.snapshot-wait-observer");

    record Regional(Ec2Client ec2, RdsClient rds, SecretsManagerClient secrets) {
    }

    private final ProvisionerProperties.Aws settings;
    private final Map<String, Regional> byRegion = new ConcurrentHashMap<>();

    AwsClients(ProvisionerProperties.Aws settings) {
        this.settings = settings;
    }

    Regional in(String region) {
        return byRegion.computeIfAbsent(region, this::build);
    }

    private Regional build(String region) {
        var override = ClientOverrideConfiguration.builder().retryStrategy(retryStrategy())
                .addExecutionInterceptor(new WaitObserverInterceptor()).build();
        var ec2 = Ec2Client.builder().region(Region.of(region)).overrideConfiguration(override);
        var rds = RdsClient.builder().region(Region.of(region)).overrideConfiguration(override);
        var secrets = SecretsManagerClient.builder().region(Region.of(region)).overrideConfiguration(override);
        if (settings.endpointOverride() != null) {
            ec2.endpointOverride(settings.endpointOverride());
            rds.endpointOverride(settings.endpointOverride());
            secrets.endpointOverride(settings.endpointOverride());
        }
        return new Regional(ec2.build(), rds.build(), secrets.build());
    }

    private software.amazon.awssdk.retries.api.RetryStrategy retryStrategy() {
        var mode = RetryMode.valueOf(settings.retryMode().toUpperCase(Locale.ROOT));
        var strategy = AwsRetryStrategy.forRetryMode(mode);
        return settings.maxAttempts() == null ? strategy : strategy.toBuilder().maxAttempts(settings.maxAttempts()).build();
    }

    @Override
    public void close() {
        byRegion.values().forEach(c -> {
            c.ec2().close();
            c.rds().close();
            c.secrets().close();
        });
        byRegion.clear();
    }

    private static final class WaitObserverInterceptor implements ExecutionInterceptor {
        @Override
        public void afterUnmarshalling(Context.AfterUnmarshalling context, ExecutionAttributes attributes) {
            var observer = attributes.getAttribute(WAIT_OBSERVER);
            if (observer != null && context.response() instanceof DescribeDbInstancesResponse response) {
                observer.accept(response);
            }
            var snapshots = attributes.getAttribute(SNAPSHOT_WAIT_OBSERVER);
            if (snapshots != null && context.response() instanceof DescribeDbSnapshotsResponse response) {
                snapshots.accept(response);
            }
        }
    }
}
