package io.catalogmigration.console;

import io.catalogmigration.console.Views.ConsoleStatus;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import java.time.Clock;
import java.util.function.Supplier;

/** The console's parts: the folded state, the topic reader, the broker check and the live feed with its schedule. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConsoleProperties.class)
class ConsoleConfiguration {

    @Bean
    Migrations migrations(ConsoleProperties settings) {
        return new Migrations(settings.maxMigrations(), Clock.systemUTC());
    }

    @Bean
    LiveFeed liveFeed(Migrations migrations) {
        return new LiveFeed(migrations);
    }

    @Bean
    TopicReader topicReader(Migrations migrations, LiveFeed liveFeed) {
        return new TopicReader(migrations, liveFeed);
    }

    @Bean(destroyMethod = "close")
    BrokerWatch brokerWatch(KafkaAdmin kafkaAdmin, ConsoleProperties settings) {
        // Boot's admin configuration (security, SSL bundle, SASL), as the topic reader's consumer has it.
        return new BrokerWatch(kafkaAdmin.getConfigurationProperties(), settings.brokerTimeout(), Clock.systemUTC());
    }

    @Bean
    Supplier<ConsoleStatus> consoleStatus(BrokerWatch brokerWatch, Migrations migrations, TopicReader topicReader) {
        return () -> brokerWatch.status(migrations, topicReader.unreadable());
    }

    /**
     * Two threads: one pushes gathered changes, the other asks the broker (which may take the whole broker timeout).
     * The status goes out after every check, whatever the answer: it keeps idle connections alive too.
     */
    @Bean(destroyMethod = "shutdown")
    ThreadPoolTaskScheduler consoleScheduler(ConsoleProperties settings, LiveFeed liveFeed, BrokerWatch brokerWatch,
                                             Supplier<ConsoleStatus> consoleStatus) {
        var scheduler = new ThreadPoolTaskScheduler();
        scheduler.setThreadNamePrefix("console-");
        scheduler.setPoolSize(2);
        scheduler.initialize();
        scheduler.scheduleWithFixedDelay(liveFeed::flush, settings.pushInterval());
        scheduler.scheduleWithFixedDelay(() -> {
            brokerWatch.check();
            liveFeed.broadcast("status", consoleStatus.get());
        }, settings.brokerCheckInterval());
        return scheduler;
    }
}
