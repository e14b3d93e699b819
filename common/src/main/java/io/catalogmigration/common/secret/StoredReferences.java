package io.catalogmigration.common.secret;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What of a command's secret references may be kept: the ledger records commands, and a value that is not a valid
 * reference (a password pasted in its place) must not land there. Every field whose name ends in {@code Ref} and
 * every value of a field ending in {@code Refs} is checked with {@link SecretRef#isValid}.
 */
public final class StoredReferences {

    /** Stands in for a value that was not a reference; the command is refused for it before anything runs. */
    public static final String NOT_STORED = "(not a secret reference: not stored)";

    /** What to do about a command refused for {@link #problems}. */
    public static final String ACTION = "give each endpoint a reference (env:NAME, file:/path or aws-secretsmanager:arn) to a"
            + " secret of its own, never the secret itself nor one of the service's own, in a new command with a new"
            + " commandId; nothing was changed";

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
        return problems(commandJson, ref -> Optional.empty());
    }

    /**
     * {@link #problems(String)}, and also each valid reference {@code refused} says why no command may use (a
     * service's own secret, {@link SecretPolicy#reservedProblem}), by its path: refused before the ledger as well.
     */
    public static List<String> problems(String commandJson, Function<String, Optional<String>> refused) {
        JsonNode tree;
        try {
            tree = JsonMapper.shared().readTree(commandJson);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("command JSON cannot be read (details not shown)");
        }
        List<String> problems = new ArrayList<>();
        collect(tree, "", problems, refused);
        return problems;
    }

    private static void collect(JsonNode node, String path, List<String> problems,
                                Function<String, Optional<String>> refused) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                String name = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                JsonNode value = field.getValue();
                if (field.getKey().endsWith("Ref") && value.isString()) {
                    check(value.asString(), name, problems, refused);
                } else if (field.getKey().endsWith("Refs") && value instanceof ObjectNode refs) {
                    for (Map.Entry<String, JsonNode> ref : refs.properties()) {
                        if (ref.getValue().isString()) {
                            check(ref.getValue().asString(), name + "." + ref.getKey(), problems, refused);
                        }
                    }
                } else {
                    collect(value, name, problems, refused);
                }
            }
        } else if (node != null && node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), path + "[" + i + "]", problems, refused);
            }
        }
    }

    private static void check(String value, String name, List<String> problems, Function<String, Optional<String>> refused) {
        var invalid = SecretRef.problem(value);
        if (invalid.isPresent()) {
            problems.add(name + " is " + invalid.get());
        } else {
            refused.apply(value).ifPresent(p -> problems.add(name + ": " + p));
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
