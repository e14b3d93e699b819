package io.catalogmigration.provisioner;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A local HTTP stand-in for the three AWS APIs the provisioner calls, so the real SDK clients can be pointed at it
 * ({@code endpointOverride}): EC2 and RDS speak the Query protocol (form-encoded requests, XML answers), Secrets
 * Manager JSON 1.1. It records every call, keeps just enough state (what was created, with its tags) for a second
 * attempt to find it, and answers with AWS's error codes where a test asks it to.
 */
final class AwsStub implements AutoCloseable {

    /** One request as AWS would see it: the API, the action and every parameter sent. */
    record Call(String api, String action, Map<String, String> params) {

        String param(String name) {
            return params.get(name);
        }

        /** Tags in either API's spelling: {@code Tags.Tag.N.Key} (RDS), {@code TagSpecification.1.Tag.N.Key} (EC2). */
        Map<String, String> tags() {
            Map<String, String> tags = new LinkedHashMap<>();
            params.forEach((name, value) -> {
                if (name.matches("(.*\\.)?Tag\\.\\d+\\.Key")) {
                    tags.put(value, params.get(name.substring(0, name.length() - "Key".length()) + "Value"));
                }
            });
            return tags;
        }

        /** Values of a list parameter, whatever the member name: {@code SubnetIds.SubnetIdentifier.1}, ... */
        List<String> list(String prefix) {
            return params.entrySet().stream().filter(e -> e.getKey().startsWith(prefix + ".")).map(Map.Entry::getValue).toList();
        }
    }

    record Response(int status, String contentType, String body) {
    }

    /** {@code remaining} < 0: for ever. */
    private record Failure(String action, Predicate<Call> when, String code, AtomicInteger remaining) {

        boolean applies(Call call) {
            return action.equals(call.action()) && when.test(call) && (remaining.get() < 0 || remaining.getAndDecrement() > 0);
        }
    }

    static final String EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/";
    static final String RDS_NS = "http://rds.amazonaws.com/doc/2014-10-31/";
    static final String ACCOUNT = "123456789012";

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Failure> failures = new CopyOnWriteArrayList<>();
    final StubEc2 ec2 = new StubEc2();
    final StubRds rds = new StubRds();
    final StubSecrets secrets = new StubSecrets();

    private AwsStub(HttpServer server) {
        this.server = server;
    }

    static AwsStub start() {
        try {
            var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            var stub = new AwsStub(server);
            server.createContext("/", stub::handle);
            server.start();
            return stub;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the AWS stub", e);
        }
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers {@code action} with AWS error {@code code} whenever {@code when} holds. */
    void fail(String action, Predicate<Call> when, String code) {
        failures.add(new Failure(action, when, code, new AtomicInteger(-1)));
    }

    /** Answers {@code action} with {@code code} the next {@code times} times {@code when} holds, then normally. */
    void failTimes(String action, Predicate<Call> when, String code, int times) {
        failures.add(new Failure(action, when, code, new AtomicInteger(times)));
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> callsSince(int mark) {
        var all = calls();
        return all.subList(Math.min(mark, all.size()), all.size());
    }

    List<Call> calls(String action) {
        return calls.stream().filter(c -> c.action().equals(action)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Response response;
        try {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            Call call = target != null ? jsonCall(target, body) : queryCall(body);
            calls.add(call);
            response = respond(call);
        } catch (RuntimeException e) {
            response = new Response(500, "text/plain", "stub failure: " + e);
        }
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", response.contentType());
        exchange.getResponseHeaders().add("x-amzn-RequestId", "stub-request");
        exchange.sendResponseHeaders(response.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private Response respond(Call call) {
        for (Failure failure : failures) {
            if (failure.applies(call)) {
                return error(call.api(), failure.code(), "stubbed " + failure.code() + " for " + call.action());
            }
        }
        return switch (call.api()) {
            case "ec2" -> ec2.handle(call);
            case "rds" -> rds.handle(call);
            default -> secrets.handle(call);
        };
    }

    static Response error(String api, String code, String message) {
        return switch (api) {
            case "ec2" -> new Response(400, "text/xml", "<Response><Errors><Error><Code>" + code + "</Code><Message>" + message
                    + "</Message></Error></Errors><RequestID>stub</RequestID></Response>");
            case "rds" -> new Response(code.contains("NotFound") ? 404 : 400, "text/xml", "<ErrorResponse xmlns=\"" + RDS_NS
                    + "\"><Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + message
                    + "</Message></Error><RequestId>stub</RequestId></ErrorResponse>");
            default -> new Response(400, "application/x-amz-json-1.1",
                    "{\"__type\":\"" + code + "\",\"message\":\"" + message + "\"}");
        };
    }

    private static Call queryCall(String body) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        String api = "2016-11-15".equals(params.get("Version")) ? "ec2" : "rds";
        return new Call(api, params.get("Action"), params);
    }

    /** Secrets Manager's JSON, flattened to the same name/value form ({@code Tags.Tag.N.Key}) as the query APIs. */
    private static Call jsonCall(String target, String body) {
        Map<String, String> params = new LinkedHashMap<>();
        var json = JsonMapper.shared().readTree(body.isBlank() ? "{}" : body);
        json.properties().forEach(field -> {
            if (field.getKey().equals("Tags")) {
                int i = 1;
                for (var tag : field.getValue()) {
                    params.put("Tags.Tag." + i + ".Key", tag.get("Key").asString());
                    params.put("Tags.Tag." + i++ + ".Value", tag.get("Value").asString());
                }
            } else {
                params.put(field.getKey(), field.getValue().isString() ? field.getValue().asString() : field.getValue().toString());
            }
        });
        return new Call("secretsmanager", target.substring(target.indexOf('.') + 1), params);
    }

    static String xml(String action, String namespace, String result) {
        if (namespace.equals(EC2_NS)) {
            return "<" + action + "Response xmlns=\"" + namespace + "\"><requestId>stub</requestId>" + result + "</" + action + "Response>";
        }
        return "<" + action + "Response xmlns=\"" + namespace + "\"><" + action + "Result>" + result + "</" + action
                + "Result><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></" + action + "Response>";
    }

    static Response ok(String body) {
        return new Response(200, "text/xml", body);
    }

    static String tagsXml(Map<String, String> tags, String element) {
        var xml = new StringBuilder();
        tags.forEach((k, v) -> xml.append("<").append(element).append("><Key>").append(k).append("</Key><Value>").append(v)
                .append("</Value></").append(element).append(">"));
        return xml.toString();
    }

    static List<String> sorted(List<String> values) {
        var copy = new ArrayList<>(values);
        copy.sort(null);
        return copy;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
