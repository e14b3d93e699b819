package io.catalogmigration.cutover.switching;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP stand-in for AWS Systems Manager's parameter calls, speaking its JSON 1.1 protocol (POST, action in
 * {@code X-Amz-Target: AmazonSSM.<Action>}), so the real {@code SsmClient} can be pointed at it: GetParameters,
 * PutParameter, DeleteParameters and GetParametersByPath, with AWS's limits (10 names a call) and error shape. It keeps
 * the parameters in a map, records every call, and answers an action with an AWS error code where a test asks it to.
 */
final class SsmStub implements AutoCloseable {

    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-east-1";

    /** One request: the action and its JSON body. */
    record Call(String action, JsonNode body) {

        List<String> names() {
            List<String> names = new ArrayList<>();
            body.path("Names").forEach(n -> names.add(n.asString()));
            return names;
        }

        String param(String field) {
            var value = body.get(field);
            return value == null || value.isNull() ? null : value.isString() ? value.asString() : value.toString();
        }
    }

    record Stored(String value, String type, long version) {
    }

    private record Response(int status, String body) {
    }

    /** {@code remaining} null: for ever. */
    private record Failure(String action, String code, AtomicInteger remaining) {

        boolean applies(Call call) {
            return action.equals(call.action())
                    && (remaining == null || remaining.getAndUpdate(n -> Math.max(0, n - 1)) > 0);
        }
    }

    private static final JsonMapper JSON = JsonMapper.shared();

    private final HttpServer server;
    private final Map<String, Stored> parameters = new TreeMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Failure> failures = new CopyOnWriteArrayList<>();

    private SsmStub(HttpServer server) {
        this.server = server;
    }

    static SsmStub start() {
        // Without it every small answer waits out the client's delayed ACK (~40 ms a call).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            var stub = new SsmStub(server);
            server.createContext("/", stub::handle);
            server.start();
            return stub;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the SSM stub", e);
        }
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers every {@code action} with AWS error {@code code} (e.g. AccessDeniedException). */
    void fail(String action, String code) {
        failures.add(new Failure(action, code, null));
    }

    /** Answers {@code action} with {@code code} the next {@code times} times, then normally. */
    void failTimes(String action, String code, int times) {
        failures.add(new Failure(action, code, new AtomicInteger(times)));
    }

    /** Seeds a String parameter, as if it had been there before the test. */
    void put(String name, String value) {
        put(name, value, "String");
    }

    synchronized void put(String name, String value, String type) {
        var old = parameters.get(name);
        parameters.put(name, new Stored(value, type, old == null ? 1 : old.version() + 1));
    }

    /** Every parameter's value, by name. */
    synchronized Map<String, String> values() {
        Map<String, String> values = new TreeMap<>();
        parameters.forEach((name, stored) -> values.put(name, stored.value()));
        return values;
    }

    synchronized Map<String, Stored> parameters() {
        return new TreeMap<>(parameters);
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> calls(String action) {
        return calls.stream().filter(c -> c.action().equals(action)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Response response;
        try {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (!"POST".equals(exchange.getRequestMethod()) || target == null || !target.startsWith("AmazonSSM.")) {
                response = error(400, "UnknownOperationException", "not an SSM JSON 1.1 request: " + target);
            } else {
                var call = new Call(target.substring("AmazonSSM.".length()), JSON.readTree(body.isBlank() ? "{}" : body));
                calls.add(call);
                response = respond(call);
            }
        } catch (RuntimeException e) {
            response = new Response(500, "{\"__type\":\"InternalServerError\",\"message\":\"stub failure: "
                    + e.toString().replace("\"", "'") + "\"}");
        }
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders().add("x-amzn-RequestId", "stub-request");
        exchange.sendResponseHeaders(response.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private synchronized Response respond(Call call) {
        for (Failure failure : failures) {
            if (failure.applies(call)) {
                return error(400, failure.code(), "stubbed " + failure.code() + " for ssm:" + call.action());
            }
        }
        return switch (call.action()) {
            case "GetParameters" -> getParameters(call);
            case "PutParameter" -> putParameter(call);
            case "DeleteParameters" -> deleteParameters(call);
            case "GetParametersByPath" -> getParametersByPath(call);
            default -> error(400, "InvalidAction", "the stub does not know " + call.action());
        };
    }

    private Response getParameters(Call call) {
        var names = call.names();
        if (names.isEmpty() || names.size() > 10) {
            return tooMany("names", names.size());
        }
        List<Map<String, Object>> found = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        for (String name : names) {
            var stored = parameters.get(name);
            if (stored == null) {
                invalid.add(name);
            } else {
                found.add(parameter(name, stored));
            }
        }
        return json(Map.of("Parameters", found, "InvalidParameters", invalid));
    }

    private Response putParameter(Call call) {
        String name = call.param("Name");
        String value = call.param("Value");
        String type = call.param("Type");
        boolean overwrite = Boolean.parseBoolean(call.param("Overwrite"));
        if (name == null || name.isEmpty() || (name.contains("/") && !name.startsWith("/"))) {
            return error(400, "ValidationException", "Parameter name must be a fully qualified name.");
        }
        if (value == null || value.isEmpty()) {
            return error(400, "ValidationException", "1 validation error detected: Value at 'value' failed to satisfy"
                    + " constraint: Member must have length greater than or equal to 1");
        }
        var old = parameters.get(name);
        if (old != null && !overwrite) {
            return error(400, "ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the"
                    + " overwrite option in the request to true.");
        }
        if (old == null && type == null) {
            return error(400, "ValidationException", "A parameter type is required when you create a parameter.");
        }
        var stored = new Stored(value, type == null ? old.type() : type, old == null ? 1 : old.version() + 1);
        parameters.put(name, stored);
        return json(Map.of("Version", stored.version(), "Tier", "Standard"));
    }

    private Response deleteParameters(Call call) {
        var names = call.names();
        if (names.isEmpty() || names.size() > 10) {
            return tooMany("names", names.size());
        }
        List<String> deleted = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        for (String name : names) {
            (parameters.remove(name) != null ? deleted : invalid).add(name);
        }
        return json(Map.of("DeletedParameters", deleted, "InvalidParameters", invalid));
    }

    private Response getParametersByPath(Call call) {
        String path = call.param("Path");
        if (path == null || !path.startsWith("/")) {
            return error(400, "ValidationException", "The parameter path must begin with a forward slash.");
        }
        String base = path.endsWith("/") ? path : path + "/";
        boolean recursive = Boolean.parseBoolean(call.param("Recursive"));
        int max = call.body().has("MaxResults") ? call.body().get("MaxResults").asInt() : 10;
        int start = call.param("NextToken") == null ? 0 : Integer.parseInt(call.param("NextToken"));
        List<Map<String, Object>> matching = new ArrayList<>();
        parameters.forEach((name, stored) -> {
            if (name.startsWith(base) && (recursive || name.indexOf('/', base.length()) < 0)) {
                matching.add(parameter(name, stored));
            }
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Parameters", matching.subList(Math.min(start, matching.size()), Math.min(start + max, matching.size())));
        if (start + max < matching.size()) {
            body.put("NextToken", Integer.toString(start + max));
        }
        return json(body);
    }

    private static Map<String, Object> parameter(String name, Stored stored) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("Name", name);
        p.put("Type", stored.type());
        p.put("Value", stored.value());
        p.put("Version", stored.version());
        p.put("LastModifiedDate", 1.7e9);
        p.put("ARN", "arn:aws:ssm:" + REGION + ":" + ACCOUNT + ":parameter" + name);
        p.put("DataType", "text");
        return p;
    }

    private static Response tooMany(String what, int count) {
        return error(400, "ValidationException", "1 validation error detected: Value at '" + what + "' failed to satisfy"
                + " constraint: Member must have length less than or equal to 10 and greater than or equal to 1 (got "
                + count + ")");
    }

    private static Response error(int status, String code, String message) {
        return new Response(status, JSON.writeValueAsString(Map.of("__type", code, "message", message)));
    }

    private static Response json(Map<String, ?> body) {
        return new Response(200, JSON.writeValueAsString(body));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
