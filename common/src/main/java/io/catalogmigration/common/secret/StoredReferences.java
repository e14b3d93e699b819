package io.catalogmigration.common.secret;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Map;

/**
 * What of a command's secret references may be kept: the ledger records commands, and a value that is not a valid
 * reference (a password pasted in its place) must not land there. Every field whose name ends in {@code Ref} and
 * every value of a field ending in {@code Refs} is checked with {@link SecretRef#isValid}.
 */
public final class StoredReferences {

    /** Stands in for a value that was not a reference; the command is refused for it before anything runs. */
    public static final String NOT_STORED = "(not a secret reference: not stored)";

    /** The command's JSON with every invalid reference replaced by {@link #NOT_STORED}; unchanged when all are valid. */
    public static String withoutInvalid(String commandJson) {
        if (commandJson == null) {
            return null;
        }
        JsonNode tree;
        try {
            tree = JsonMapper.shared().readTree(commandJson);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("command JSON cannot be read (details not shown)");
        }
        return clean(tree) ? JsonMapper.shared().writeValueAsString(tree) : commandJson;
    }

    private static boolean clean(JsonNode node) {
        boolean changed = false;
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : new ArrayList<>(object.properties())) {
                String name = field.getKey();
                JsonNode value = field.getValue();
                if (name.endsWith("Ref") && value.isString() && !SecretRef.isValid(value.asString())) {
                    object.put(name, NOT_STORED);
                    changed = true;
                } else if (name.endsWith("Refs") && value instanceof ObjectNode refs) {
                    for (Map.Entry<String, JsonNode> ref : new ArrayList<>(refs.properties())) {
                        if (ref.getValue().isString() && !SecretRef.isValid(ref.getValue().asString())) {
                            refs.put(ref.getKey(), NOT_STORED);
                            changed = true;
                        }
                    }
                } else {
                    changed |= clean(value);
                }
            }
        } else if (node != null && node.isArray()) {
            for (JsonNode element : node) {
                changed |= clean(element);
            }
        }
        return changed;
    }

    private StoredReferences() {
    }
}
