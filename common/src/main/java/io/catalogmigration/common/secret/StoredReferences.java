package io.catalogmigration.common.secret;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What of a command's secret references may be kept: the ledger records commands, and a value that is not a valid
 * reference (a password pasted in its place) must not land there. Every field whose name ends in {@code Ref} and
 * every value of a field ending in {@code Refs} is checked with {@link SecretRef#isValid}.
 */
public final class StoredReferences {

    /** Stands in for a value that was not a reference; the command is refused for it before anything runs. */
    public static final String NOT_STORED = "(not a secret reference: not stored)";

    /** What to do about a command refused for {@link #problems}. */
    public static final String ACTION = "give the secret's reference (env:NAME, file:/path or aws-secretsmanager:arn), never"
            + " the secret itself, in a new command with a new commandId; nothing was changed";

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

    /**
     * Each field of the command holding a value that is not a valid reference, by its path ({@code database.passwordRef},
     * {@code databases[0].passwordRef}) and why, never the value: the services check this before they write anything
     * to the ledger, so such a command is refused without a run row. Empty when every reference is valid (or absent).
     */
    public static List<String> problems(String commandJson) {
        JsonNode tree;
        try {
            tree = JsonMapper.shared().readTree(commandJson);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("command JSON cannot be read (details not shown)");
        }
        List<String> problems = new ArrayList<>();
        collect(tree, "", problems);
        return problems;
    }

    private static void collect(JsonNode node, String path, List<String> problems) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                String name = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                JsonNode value = field.getValue();
                if (field.getKey().endsWith("Ref") && value.isString()) {
                    SecretRef.problem(value.asString()).ifPresent(p -> problems.add(name + " is " + p));
                } else if (field.getKey().endsWith("Refs") && value instanceof ObjectNode refs) {
                    for (Map.Entry<String, JsonNode> ref : refs.properties()) {
                        if (ref.getValue().isString()) {
                            SecretRef.problem(ref.getValue().asString())
                                    .ifPresent(p -> problems.add(name + "." + ref.getKey() + " is " + p));
                        }
                    }
                } else {
                    collect(value, name, problems);
                }
            }
        } else if (node != null && node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), path + "[" + i + "]", problems);
            }
        }
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
