package io.catalogmigration.testkit;

import io.catalogmigration.common.kafka.MessageJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Malformed and hostile variants of one valid command, as whoever can write to a command topic could send them:
 * unreadable JSON, an unknown type or field, and for every field of the command (nested ones too) a value of the wrong
 * type, a fraction where a whole number belongs, a string or a number too long for any use, a null inside a list, a
 * missing value. A test adds its own service's cases (injection-shaped identifiers, missing secrets, an unreachable
 * server) with {@link #with}. Every variant gets a fresh commandId, so none is taken for a redelivery of another.
 */
public final class HostileCommands {

    /**
     * One message to send: {@code commandId} is null when the message has none a service could read; {@code unrecorded}:
     * the service must refuse it before writing anything to its ledger (a value that is not a secret reference);
     * {@code mustSay}: what the reason must name (the field, the reference, the server), or null.
     */
    public record Case(String name, String key, UUID commandId, String json, boolean unrecorded, String mustSay) {
        public Case(String name, String key, UUID commandId, String json) {
            this(name, key, commandId, json, false, null);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * Values sent where a secret reference belongs that are not references (a password pasted whole or after a valid
     * scheme): none may be echoed in an outcome, a header, a log line or a ledger row.
     */
    public static final List<String> NOT_REFERENCES = List.of("hunter2", "env:Pasted-Pr0d-Secret",
            "file:/run/secrets/../../Pasted Pr0d Secret", "aws-secretsmanager:Pasted Pr0d Secret");
    /** What of {@link #NOT_REFERENCES} must not be seen anywhere but in the command itself (and its dead letter). */
    public static final List<String> PASTED_PARTS = List.of("hunter2", "Pr0d");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String OVERSIZED = "x".repeat(100_000);

    private final ObjectNode valid;
    private final List<Case> cases = new ArrayList<>();

    private HostileCommands(ObjectNode valid) {
        this.valid = valid;
    }

    /** Every generic variant of the command, serialized as its family (with the type discriminator). */
    public static <C> HostileCommands of(Class<? super C> family, C command) {
        String json = MessageJson.mapper().writerFor(family).writeValueAsString(command);
        var hostile = new HostileCommands((ObjectNode) MessageJson.mapper().readTree(json));
        hostile.generic(json);
        return hostile;
    }

    /** Adds a case: the valid command with {@code change} applied to a copy of its JSON tree. */
    public HostileCommands with(String name, Consumer<ObjectNode> change) {
        return add(name, change, false, null);
    }

    private HostileCommands add(String name, Consumer<ObjectNode> change, boolean unrecorded, String mustSay) {
        ObjectNode copy = valid.deepCopy();
        change.accept(copy);
        UUID id = UUID.randomUUID();
        if (copy.has("commandId") && copy.get("commandId").isString()
                && copy.get("commandId").asString().equals(valid.get("commandId").asString())) {
            copy.put("commandId", id.toString());
        } else {
            id = null;
        }
        cases.add(new Case(name, "hostile-" + UUID.randomUUID(), id, copy.toString(), unrecorded, mustSay));
        return this;
    }

    /**
     * The hostile cases of the endpoint at {@code path} ({@code source}, {@code databases.0}): names shaped as
     * injections or as connection strings, an unknown sslmode, every value of {@link #NOT_REFERENCES}, references to
     * missing secrets and to the service's own, and a server that does not answer (at {@code closedPort}).
     */
    public HostileCommands endpoint(String path, int closedPort) {
        endpoint(path);
        return add(path + ".port: a server that does not answer", c -> set(c, path + ".port", NODES.numberNode(closedPort)),
                false, String.valueOf(closedPort));
    }

    /**
     * {@link #endpoint(String, int)} without the server that does not answer: for an endpoint the service does not
     * log in to from where it runs (a subscription's address, which the target reaches).
     */
    public HostileCommands endpoint(String path) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        values.put("database: injection-shaped", NODES.stringNode("rosemeta; drop table rosemeta_table"));
        values.put("database: overriding sslmode", NODES.stringNode("rosemeta?sslmode=disable"));
        values.put("user: injection-shaped", NODES.stringNode("postgres' or '1'='1"));
        values.put("host: a connection string", NODES.stringNode("127.0.0.1 sslmode=disable dbname=postgres"));
        values.put("sslmode: unknown", NODES.stringNode("none; drop"));
        for (int i = 0; i < NOT_REFERENCES.size(); i++) {
            values.put("passwordRef: not a reference (" + (i + 1) + ")", NODES.stringNode(NOT_REFERENCES.get(i)));
        }
        values.put("passwordRef: a missing variable", NODES.stringNode("env:HOSTILE_NO_SUCH_SECRET"));
        values.put("passwordRef: a missing file", NODES.stringNode("file:/nonexistent/hostile-secret"));
        values.put("passwordRef: the service's own secret", NODES.stringNode("env:CONTROL_DB_PASSWORD"));
        values.put("passwordRef: the process's environment", NODES.stringNode("file:/proc/self/environ"));
        // the reason names the field as the services write it (databases[0].passwordRef), or the reserved reference
        String refField = path.replaceAll("\\.(\\d+)", "[$1]") + ".passwordRef";
        values.forEach((field, value) -> {
            boolean notReference = NOT_REFERENCES.contains(value.asString());
            String mustSay = notReference ? refField : value.asString("").startsWith("env:CONTROL") ? value.asString() : null;
            add(path + "." + field, c -> set(c, path + "." + field.substring(0, field.indexOf(':')), value), notReference, mustSay);
        });
        return this;
    }

    public List<Case> cases() {
        return List.copyOf(cases);
    }

    private void generic(String json) {
        raw("malformed JSON", json.substring(0, json.length() / 2));
        raw("not JSON at all", "DROP TABLE rosemeta_table; --");
        raw("a JSON array", "[1, 2, 3]");
        raw("JSON null", "null");
        raw("an empty object", "{}");
        with("an unknown type", c -> c.put("type", "DropEverything"));
        with("an unknown field", c -> c.put("dropEverything", true));
        with("a string 100,000 characters long as migrationId", c -> c.put("migrationId", OVERSIZED));
        for (Map.Entry<String, JsonNode> field : fields(valid, "").entrySet()) {
            String path = field.getKey();
            JsonNode value = field.getValue();
            if (path.equals("type") || path.equals("commandId")) {
                continue;
            }
            if (value.isIntegralNumber()) {
                with(path + ": 10.5", c -> set(c, path, NODES.numberNode(10.5)));
                with(path + ": \"10\"", c -> set(c, path, NODES.stringNode("10")));
                with(path + ": a 30-digit number", c -> set(c, path, NODES.numberNode(new java.math.BigInteger("9".repeat(30)))));
                with(path + ": -1", c -> set(c, path, NODES.numberNode(-1)));
            } else if (value.isString()) {
                with(path + ": a number", c -> set(c, path, NODES.numberNode(42)));
                with(path + ": 100,000 characters", c -> set(c, path, NODES.stringNode(OVERSIZED)));
            } else if (value.isArray()) {
                with(path + ": [null]", c -> set(c, path, NODES.arrayNode().add(NODES.nullNode())));
                with(path + ": a string", c -> set(c, path, NODES.stringNode("x")));
            } else if (value.isObject()) {
                with(path + ": a string", c -> set(c, path, NODES.stringNode("x")));
                if (!value.isEmpty()) {  // an empty object (no role passwords) is what null says too
                    with(path + ": null", c -> set(c, path, NODES.nullNode()));
                }
            } else if (value.isBoolean()) {
                with(path + ": \"yes\"", c -> set(c, path, NODES.stringNode("yes")));
            }
        }
    }

    private void raw(String name, String text) {
        cases.add(new Case(name, "hostile-" + UUID.randomUUID(), null, text));
    }

    /** Every field by dotted path; of a list of objects, the first element's fields as {@code list.0.field}. */
    private static Map<String, JsonNode> fields(JsonNode node, String prefix) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
            var entry = it.next();
            String path = prefix + entry.getKey();
            JsonNode value = entry.getValue();
            if (value.isNull()) {
                continue;
            }
            fields.put(path, value);
            if (value.isObject()) {
                fields.putAll(fields(value, path + "."));
            } else if (value.isArray() && !value.isEmpty() && value.get(0).isObject()) {
                fields.putAll(fields(value.get(0), path + ".0."));
            }
        }
        return fields;
    }

    /** Sets the value at a dotted path ({@code database.port}, {@code databases.0.host}). */
    public static void set(ObjectNode root, String path, JsonNode value) {
        String[] parts = path.split("\\.");
        JsonNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            node = node.isArray() ? node.get(Integer.parseInt(parts[i])) : node.get(parts[i]);
        }
        String last = parts[parts.length - 1];
        if (node instanceof ArrayNode array) {
            array.set(Integer.parseInt(last), value);
        } else {
            ((ObjectNode) node).set(last, value);
        }
    }
}
