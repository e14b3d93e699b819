package io.catalogmigration.testkit.architecture;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The architecture every service shares, written as ArchUnit rules and run by each service's {@code ArchitectureTest}:
 * <ul>
 *   <li>no service depends on another service's package (they talk through the contract's topics only);</li>
 *   <li>{@code java.sql.DriverManager} only in {@code common.pg}, bar the exceptions listed with their reason;</li>
 *   <li>Kafka listeners are adapters: they unwrap a message and call the service, never the database or the ledger;</li>
 *   <li>only the ledger's classes write SQL naming the ledger's tables;</li>
 *   <li>the {@code @SpringBootApplication} class holds {@code main} and its configuration name, nothing else;</li>
 *   <li>commands and events are records under sealed interfaces;</li>
 *   <li>one {@code @ConfigurationProperties} record per service;</li>
 *   <li>Flyway versions by owner: the shared ledger's (db/ledger) are V1 and V1.x, a service's own (db/&lt;service&gt;,
 *       in the service's schema) V2 and up, so a later ledger migration never takes a version a service used
 *       (spring.flyway.out-of-order, set in common, applies it where a service's are already higher).</li>
 * </ul>
 * The rules take the root package and the service names as parameters so that a test can run them against a small
 * deliberately bad sample (see {@code ServiceArchitectureTest} in this module) and prove that each one fails.
 */
public final class ServiceArchitecture {

    /** Every service's package under the project's root; a service may depend on none of the others. */
    public static final Set<String> SERVICES = Set.of("prune", "scan", "provisioner", "replicator", "cutover", "lineage");

    private static final String ROOT = "io.catalogmigration";

    /**
     * Today's direct {@code DriverManager} calls outside {@code common.pg}, each with the reason it stays for now.
     * Remove an entry when its class moves to {@code PgConnector}.
     */
    static final Map<String, String> DRIVER_MANAGER_EXCEPTIONS = Map.of(
            "io.catalogmigration.replicator.SnapshotCopier",
            "opens the snapshot's replication-protocol session; moves with the replicator's connection code (PgClients)",
            "io.catalogmigration.common.active.ActiveInstances",
            "the active-instance lock needs a session of its own outside the control pool, so that a pool eviction never"
                    + " drops the advisory lock");

    /** The envelope a batch listener may hand on unopened (see common.kafka.WorkBatches). */
    static final String CONSUMER_RECORD = "org.apache.kafka.clients.consumer.ConsumerRecord";

    /**
     * Migration locations that never run in the control database, each with its reason: they keep their own history
     * table, so the ledger's V1 range cannot collide with them.
     */
    static final Map<String, String> OWN_HISTORY_LOCATIONS = Map.of("lineage-graph",
            "the V3 graph tables, applied by the lineage migrator to the target lineage database with its own history"
                    + " table lineage_migrator_schema_history");

    /**
     * SQL naming the ledger's tables (common/src/main/resources/db/ledger). No word boundary in front: in a class file
     * a string constant follows its length, which may be a letter or digit byte.
     */
    static final Pattern LEDGER_SQL = Pattern.compile(
            "(from|into|update|join|references|table)\\s+(run|batch|run_message|processed_command|outcome_outbox|run_hold|batch_step)\\b",
            Pattern.CASE_INSENSITIVE);

    /** A versioned migration's location folder and version, e.g. {@code db/scan/V2__scan_findings.sql}. */
    static final Pattern MIGRATION = Pattern.compile("db/([^/]+)/V([0-9]+(?:[._][0-9]+)*)__[^/]*\\.sql$");

    private final String root;
    private final String service;
    private final Set<String> services;

    ServiceArchitecture(String root, String service, Set<String> services) {
        this.root = root;
        this.service = service;
        this.services = services;
    }

    /** The rules for one of this project's services, e.g. {@code "prune"}. */
    public static ServiceArchitecture of(String service) {
        if (!SERVICES.contains(service)) {
            throw new IllegalArgumentException("unknown service " + service + "; known: " + SERVICES);
        }
        return new ServiceArchitecture(ROOT, service, SERVICES);
    }

    /** Checks every rule against the service's main classes and common's; fails listing every violation. */
    public void verify() {
        // Spring's, Kafka's and the AWS SDK's classes are not what the rules look at: importing them takes a minute.
        ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(servicePackage(), root + ".common");
        List<String> failures = new ArrayList<>();
        for (ArchRule rule : rules()) {
            EvaluationResult result = rule.evaluate(classes);
            if (result.hasViolation()) {
                failures.add(result.getFailureReport().toString());
            }
        }
        failures.addAll(migrationsOutOfRange(migrationsOnClasspath()));
        if (!failures.isEmpty()) {
            throw new AssertionError(String.join(System.lineSeparator(), failures));
        }
    }

    /** The ledger owns V1 and V1.x; every other location (a service's own schema) V2 and up. */
    static List<String> migrationsOutOfRange(List<String> paths) {
        List<String> failures = new ArrayList<>();
        for (String path : paths) {
            var m = MIGRATION.matcher(path);
            if (!m.find()) {
                continue;
            }
            String location = m.group(1);
            if (OWN_HISTORY_LOCATIONS.containsKey(location)) {
                continue;
            }
            String version = m.group(2).replace('_', '.');
            boolean ledgerRange = version.equals("1") || version.startsWith("1.");
            if (location.equals("ledger") && !ledgerRange) {
                failures.add(path + ": the ledger's migrations are V1 and V1.x (V1.1, V1.2, ...); V2 and up belong to"
                        + " the services' own schemas");
            } else if (!location.equals("ledger") && ledgerRange) {
                failures.add(path + ": V1 and V1.x are the ledger's (db/ledger), which every service's schema also"
                        + " runs; a service's own migrations start at V2");
            }
        }
        return failures;
    }

    private static List<String> migrationsOnClasspath() {
        try {
            var resources = new org.springframework.core.io.support.PathMatchingResourcePatternResolver()
                    .getResources("classpath*:db/**/V*__*.sql");
            List<String> paths = new ArrayList<>();
            for (var resource : resources) {
                paths.add(resource.getURL().toString());
            }
            return paths;
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the Flyway migrations on the classpath", e);
        }
    }

    public List<ArchRule> rules() {
        return List.of(noOtherService(), driverManagerOnlyInCommonPg(), listenersOnlyCallTheApplication(),
                onlyTheLedgerTouchesLedgerTables(), mainClassesEmpty(), messagesAreRecordsUnderSealedInterfaces(),
                onePropertiesRecord());
    }

    String servicePackage() {
        return root + "." + service;
    }

    private String[] ownCode() {
        return new String[] {servicePackage() + "..", root + ".common.."};
    }

    ArchRule noOtherService() {
        String[] others = services.stream().filter(s -> !s.equals(service)).map(s -> root + "." + s + "..")
                .toArray(String[]::new);
        return noClasses().that().resideInAPackage(servicePackage() + "..")
                .should().dependOnClassesThat().resideInAnyPackage(others)
                .because("services talk through the contract's topics only, never through each other's classes");
    }

    ArchRule driverManagerOnlyInCommonPg() {
        return noClasses().that().resideInAnyPackage(ownCode())
                .and().resideOutsideOfPackage(root + ".common.pg..")
                .and(not(nameIn(DRIVER_MANAGER_EXCEPTIONS.keySet())))
                .should().dependOnClassesThat().haveFullyQualifiedName("java.sql.DriverManager")
                .because("connections are opened in one place (common.pg's PgConnector); the listed exceptions say why"
                        + " they stay: " + DRIVER_MANAGER_EXCEPTIONS);
    }

    ArchRule listenersOnlyCallTheApplication() {
        return classes().that().resideInAPackage(servicePackage() + "..").and(haveKafkaListeners())
                .should().onlyDependOnClassesThat(DescribedPredicate.describe("are in the service, the contract, java.lang,"
                        + " java.util, Spring Kafka's annotations and support or Spring messaging, or are ConsumerRecord",
                        c -> c.getName().equals(CONSUMER_RECORD)
                                || List.of(servicePackage(), root + ".common.contract", "java.lang", "java.util",
                                "org.springframework.kafka.annotation", "org.springframework.kafka.support",
                                "org.springframework.messaging").stream().anyMatch(p -> c.getPackageName().equals(p)
                                        || c.getPackageName().startsWith(p + "."))
                                || c.isArray() || c.isPrimitive()))
                .because("a listener is an adapter: it unwraps the message and calls the service's application layer;"
                        + " the database, the ledger and the broker are reached through that layer (a batch listener"
                        + " passes its ConsumerRecords on as they came, so that an unreadable one is named by its index)");
    }

    ArchRule onlyTheLedgerTouchesLedgerTables() {
        return classes().that().resideInAnyPackage(ownCode()).and().resideOutsideOfPackage(root + ".common.ledger..")
                .should(notWriteSqlOnLedgerTables())
                .because("the run ledger's tables (run, batch, run_message, processed_command, outcome_outbox, run_hold, batch_step) are"
                        + " RunLedger's to read"
                        + " and write");
    }

    ArchRule mainClassesEmpty() {
        return classes().that().resideInAPackage(servicePackage() + "..")
                .and().areAnnotatedWith("org.springframework.boot.autoconfigure.SpringBootApplication")
                .should(holdOnlyMainAndConstants())
                .because("beans belong in the service's @Configuration, so that tests and the main class wire the same");
    }

    ArchRule messagesAreRecordsUnderSealedInterfaces() {
        String command = root + ".common.contract.MigrationCommand";
        String event = root + ".common.contract.MigrationEvent";
        return classes().that().resideInAnyPackage(ownCode())
                .and(DescribedPredicate.describe("are commands or events",
                        c -> c.isAssignableTo(command) || c.isAssignableTo(event)))
                .should(beRecordsOrSealedInterfaces())
                .because("a command or event is a record under its family's sealed interface, so a switch over the"
                        + " family is checked by the compiler");
    }

    ArchRule onePropertiesRecord() {
        return classes().that().resideInAPackage(servicePackage() + "..")
                .should(beTheOnlyPropertiesRecord())
                .because("a service's settings are one @ConfigurationProperties record with metadata, not loose @Values"
                        + " or several prefixes");
    }

    private static DescribedPredicate<JavaClass> nameIn(Set<String> names) {
        return DescribedPredicate.describe("are one of " + names, c -> names.contains(c.getName()));
    }

    private static <T> DescribedPredicate<T> not(DescribedPredicate<T> predicate) {
        return DescribedPredicate.not(predicate);
    }

    private static DescribedPredicate<JavaClass> haveKafkaListeners() {
        return DescribedPredicate.describe("have @KafkaListener methods", c -> c.getMethods().stream()
                .anyMatch(m -> m.isAnnotatedWith("org.springframework.kafka.annotation.KafkaListener")));
    }

    private static ArchCondition<JavaClass> notWriteSqlOnLedgerTables() {
        return new ArchCondition<>("not write SQL naming the ledger's tables") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                String constants = classFileText(item);
                var matcher = LEDGER_SQL.matcher(constants);
                if (matcher.find()) {
                    events.add(SimpleConditionEvent.violated(item,
                            item.getName() + " holds SQL on a ledger table: \"" + matcher.group() + "\""));
                }
            }
        };
    }

    private static ArchCondition<JavaClass> holdOnlyMainAndConstants() {
        return new ArchCondition<>("hold only main(String[]) and static final constants") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                item.getMethods().stream()
                        .filter(m -> !(m.getName().equals("main") && m.getModifiers().contains(JavaModifier.STATIC)))
                        .forEach(m -> events.add(SimpleConditionEvent.violated(item,
                                item.getName() + " declares " + m.getFullName() + " besides main")));
                item.getFields().stream()
                        .filter(f -> !(f.getModifiers().contains(JavaModifier.STATIC)
                                && f.getModifiers().contains(JavaModifier.FINAL)))
                        .forEach(f -> events.add(SimpleConditionEvent.violated(item,
                                item.getName() + " declares the field " + f.getName())));
            }
        };
    }

    private static ArchCondition<JavaClass> beRecordsOrSealedInterfaces() {
        return new ArchCondition<>("be records implementing a sealed interface, or sealed interfaces") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                Class<?> type = item.reflect();
                if (type.isInterface()) {
                    // The families' roots (MigrationCommand, MigrationEvent) are open; what extends them is sealed.
                    boolean root = type.getInterfaces().length == 0;
                    if (!root && !type.isSealed()) {
                        events.add(SimpleConditionEvent.violated(item, item.getName() + " is an interface but not sealed"));
                    }
                    return;
                }
                if (!type.isRecord()) {
                    events.add(SimpleConditionEvent.violated(item, item.getName() + " is a message but not a record"));
                }
                boolean underSealed = false;
                for (Class<?> parent : type.getInterfaces()) {
                    underSealed |= parent.isSealed();
                }
                if (!underSealed) {
                    events.add(SimpleConditionEvent.violated(item,
                            item.getName() + " implements no sealed interface of its family"));
                }
            }
        };
    }

    private ArchCondition<JavaClass> beTheOnlyPropertiesRecord() {
        String annotation = "org.springframework.boot.context.properties.ConfigurationProperties";
        return new ArchCondition<>("be the service's one @ConfigurationProperties record") {
            private final List<JavaClass> found = new ArrayList<>();

            @Override
            public void check(JavaClass item, ConditionEvents events) {
                if (item.isAnnotatedWith(annotation)) {
                    found.add(item);
                    if (!item.reflect().isRecord()) {
                        events.add(SimpleConditionEvent.violated(item,
                                item.getName() + " is @ConfigurationProperties but not a record"));
                    }
                }
            }

            @Override
            public void finish(ConditionEvents events) {
                if (found.size() > 1) {
                    String names = found.stream().map(JavaClass::getName).sorted().collect(Collectors.joining(", "));
                    found.forEach(c -> events.add(SimpleConditionEvent.violated(c,
                            servicePackage() + " has " + found.size() + " @ConfigurationProperties classes: " + names)));
                }
                found.clear();
            }
        };
    }

    /** The class file's bytes as text: its constant pool holds every string literal, SQL text blocks included. */
    private static String classFileText(JavaClass item) {
        String resource = "/" + item.getName().replace('.', '/') + ".class";
        try (InputStream in = item.reflect().getResourceAsStream(resource)) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }
}
