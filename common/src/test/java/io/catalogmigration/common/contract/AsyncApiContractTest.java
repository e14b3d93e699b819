package io.catalogmigration.common.contract;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/asyncapi.yaml is written by hand; this ties it to the records. Every command and event record under the
 * contract's sealed interfaces, and every record or enum they carry, has a schema of the same name with the same
 * fields (plus the {@code type} discriminator on messages), and every message schema has its record. Required-ness, as
 * far as the records tell it: every field of an event is required (the services write every field, null included),
 * a command's envelope (type, commandId, migrationId, issuedAt) and its primitive fields are required (the reader
 * refuses a missing primitive), and nothing required is missing from the properties. An enum's values are its
 * constants (member types such as {@code PrunedTable.Status} are described inline and not compared). The failure names
 * every difference.
 */
class AsyncApiContractTest {

    private static final Path DOCUMENT = Path.of("..", "docs", "asyncapi.yaml");
    private static final Path CONTRACT = Path.of("src", "main", "java", "io", "catalogmigration", "common", "contract");
    private static final List<String> COMMAND_ENVELOPE = List.of("type", "commandId", "migrationId", "issuedAt");

    @Test
    void everyMessageRecordAndItsSchemaHaveTheSameFieldsAndRequiredness() throws IOException {
        assertThat(differences(schemas())).as("differences between docs/asyncapi.yaml and common/contract").isEmpty();
    }

    @Test
    void aDocumentThatDriftedFromTheRecordsFailsNamingEachDifference() throws IOException {
        Map<String, Map<String, Object>> schemas = schemas();
        map(schemas.get("StartPrune").get("properties")).remove("batchSize");
        ((List<?>) schemas.get("PruneFailed").get("required")).remove("reason");
        schemas.put("PruneCancelled", Map.of("properties", Map.of("type", Map.of("const", "PruneCancelled"))));

        assertThat(differences(schemas)).containsExactlyInAnyOrder(
                "StartPrune: fields of the record missing from the schema: [batchSize]",
                "PruneFailed: written by the services every time but not required in the schema: [reason]",
                "PruneCancelled: a message schema in asyncapi.yaml without a record under the contract's sealed"
                        + " interfaces");
    }

    private static List<String> differences(Map<String, Map<String, Object>> schemas) throws IOException {
        List<String> differences = new ArrayList<>();
        Set<Class<?>> messages = messageRecords();
        Map<Class<?>, Boolean> carried = new TreeMap<>((a, b) -> a.getName().compareTo(b.getName()));
        for (Class<?> message : messages) {
            boolean event = MigrationEvent.class.isAssignableFrom(message);
            compareRecord(message, schemas.get(message.getSimpleName()), true, event, differences);
            collectCarried(message, event, carried, messages);
        }
        carried.forEach((type, inEventsOnly) -> {
            Map<String, Object> schema = schemas.get(type.getSimpleName());
            if (type.isEnum()) {
                compareEnum(type, schema, differences);
            } else {
                compareRecord(type, schema, false, inEventsOnly, differences);
            }
        });
        Set<String> messageNames = messages.stream().map(Class::getSimpleName).collect(Collectors.toSet());
        schemas.forEach((name, schema) -> {
            if (isMessageSchema(name, schema) && !messageNames.contains(name)) {
                differences.add(name + ": a message schema in asyncapi.yaml without a record under the contract's"
                        + " sealed interfaces");
            }
        });
        return differences;
    }

    @Test
    void theCheckSeesEveryFamily() throws IOException {
        Set<String> names = messageRecords().stream().map(Class::getSimpleName).collect(Collectors.toSet());
        assertThat(names).contains("StartPrune", "StartScan", "PlanTarget", "StartReplication", "StartCutover",
                "StartLineageMigration", "ProgressReported", "PruneFailed", "CutoverCompleted");
    }

    private static void compareRecord(Class<?> type, Map<String, Object> schema, boolean message, boolean event,
                                      List<String> differences) {
        String name = type.getSimpleName();
        if (schema == null) {
            differences.add(name + ": record without a schema in asyncapi.yaml");
            return;
        }
        Map<String, Object> properties = map(schema.get("properties"));
        if (properties == null) {
            differences.add(name + ": schema without properties");
            return;
        }
        Set<String> fields = new LinkedHashSet<>();
        if (message) {
            fields.add("type");
        }
        Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).forEach(fields::add);
        Set<String> documented = new LinkedHashSet<>(properties.keySet());
        Set<String> onlyInRecord = new TreeSet<>(fields);
        onlyInRecord.removeAll(documented);
        Set<String> onlyInSchema = new TreeSet<>(documented);
        onlyInSchema.removeAll(fields);
        if (!onlyInRecord.isEmpty()) {
            differences.add(name + ": fields of the record missing from the schema: " + onlyInRecord);
        }
        if (!onlyInSchema.isEmpty()) {
            differences.add(name + ": properties of the schema that the record does not have: " + onlyInSchema);
        }
        Set<String> required = new TreeSet<>(strings(schema.get("required")));
        Set<String> requiredUnknown = new TreeSet<>(required);
        requiredUnknown.removeAll(fields);
        if (!requiredUnknown.isEmpty()) {
            differences.add(name + ": required but not a field: " + requiredUnknown);
        }
        Set<String> mustBeRequired = new TreeSet<>();
        if (event) {
            mustBeRequired.addAll(fields);
        } else {
            if (message) {
                mustBeRequired.addAll(COMMAND_ENVELOPE);
            }
            Arrays.stream(type.getRecordComponents()).filter(c -> c.getType().isPrimitive())
                    .map(RecordComponent::getName).forEach(mustBeRequired::add);
        }
        mustBeRequired.removeAll(required);
        if (!mustBeRequired.isEmpty()) {
            differences.add(name + ": " + (event ? "written by the services every time" : "refused when missing")
                    + " but not required in the schema: " + mustBeRequired);
        }
    }

    private static void compareEnum(Class<?> type, Map<String, Object> schema, List<String> differences) {
        String name = type.getSimpleName();
        if (schema == null) {
            differences.add(name + ": enum without a schema in asyncapi.yaml");
            return;
        }
        Set<String> constants = Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> documented = new TreeSet<>(strings(schema.get("enum")));
        if (!constants.equals(documented)) {
            differences.add(name + ": enum constants " + constants + " but the schema lists " + documented);
        }
    }

    /** Records and enums of the contract that messages carry; true while every message carrying one is an event. */
    private static void collectCarried(Class<?> type, boolean event, Map<Class<?>, Boolean> carried,
                                       Set<Class<?>> messages) {
        for (RecordComponent component : type.getRecordComponents()) {
            for (Class<?> part : contractTypes(component.getGenericType())) {
                if (messages.contains(part)) {
                    continue;
                }
                Boolean before = carried.get(part);
                boolean now = before == null ? event : before && event;
                if (before == null || before != now) {
                    carried.put(part, now);
                    if (part.isRecord()) {
                        collectCarried(part, now, carried, messages);
                    }
                }
            }
        }
    }

    private static List<Class<?>> contractTypes(Type type) {
        List<Class<?>> found = new ArrayList<>();
        if (type instanceof Class<?> c) {
            // A member type (e.g. PrunedTable.Status) is described inline, under its owner's property.
            if (c.getPackageName().equals(MigrationCommand.class.getPackageName()) && (c.isRecord() || c.isEnum())
                    && c.getEnclosingClass() == null) {
                found.add(c);
            }
        } else if (type instanceof ParameterizedType p) {
            for (Type argument : p.getActualTypeArguments()) {
                found.addAll(contractTypes(argument));
            }
        }
        return found;
    }

    /** The records under the contract's sealed interfaces, found from the package's sources. */
    private static Set<Class<?>> messageRecords() throws IOException {
        Set<Class<?>> records = new java.util.TreeSet<>((a, b) -> a.getName().compareTo(b.getName()));
        try (Stream<Path> files = Files.list(CONTRACT)) {
            for (Path file : files.toList()) {
                String simple = file.getFileName().toString().replace(".java", "");
                Class<?> type = load(MigrationCommand.class.getPackageName() + "." + simple);
                boolean message = MigrationCommand.class.isAssignableFrom(type) || MigrationEvent.class.isAssignableFrom(type);
                if (message && type.isRecord() && Arrays.stream(type.getInterfaces()).anyMatch(Class::isSealed)) {
                    records.add(type);
                }
            }
        }
        return records;
    }

    /** A schema describing a message: its {@code type} property is the constant of its own name. */
    private static boolean isMessageSchema(String name, Map<String, Object> schema) {
        Map<String, Object> properties = map(schema.get("properties"));
        Map<String, Object> discriminator = properties == null ? null : map(properties.get("type"));
        return discriminator != null && name.equals(discriminator.get("const"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> schemas() throws IOException {
        try (Reader reader = Files.newBufferedReader(DOCUMENT)) {
            // a key given twice (a merge that kept both sides) would hide the first silently: refuse it
            var options = new org.yaml.snakeyaml.LoaderOptions();
            options.setAllowDuplicateKeys(false);
            Map<String, Object> document = new Yaml(options).load(reader);
            return (Map<String, Map<String, Object>>) (Map<?, ?>) map(map(document.get("components")).get("schemas"));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    private static List<String> strings(Object value) {
        return value instanceof Collection<?> c ? c.stream().map(String::valueOf).toList() : List.of();
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
