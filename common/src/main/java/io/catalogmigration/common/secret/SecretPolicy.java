package io.catalogmigration.common.secret;

import org.springframework.boot.context.properties.bind.DefaultValue;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which secret references a service resolves, and for which servers: a command names both an endpoint and a
 * reference, so without this whoever can write to a command topic could have any secret the service can read sent to
 * a host of their choosing. A reference is resolved for a host only when a rule names both; a reserved reference (the
 * service's own secrets) never is. With no rule, no command's reference is resolved.
 *
 * @param rules    what may be resolved for which hosts; the first rule that matches both decides
 * @param reserved more reference patterns never resolved for a command, whatever the rules say (the service's own
 *                 secrets), on top of {@link #OWN_SECRETS}, which always apply
 */
public record SecretPolicy(List<Rule> rules, List<String> reserved) {

    /** The services' own secrets and what the process exposes of itself: never sent to a server a command names. */
    public static final List<String> OWN_SECRETS = List.of("env:CONTROL_DB_*", "env:SPRING_DATASOURCE_*",
            "env:AWS_SECRET_ACCESS_KEY", "env:AWS_SESSION_TOKEN", "env:KAFKA_*", "env:SPRING_KAFKA_*",
            "file:/proc/*", "file:/sys/*", "file:/dev/*");

    /**
     * One binding of secrets to servers.
     *
     * @param references        reference patterns, {@code *} matching any run of characters: {@code env:SOURCE_PASSWORD},
     *                          {@code file:/run/secrets/catalog/*}, {@code aws-secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:catalog-migration/*}
     * @param hosts             host patterns (case-insensitive), {@code *} matching any run of characters:
     *                          {@code catalog-db.internal}, {@code *.c1a2b3.eu-west-1.rds.amazonaws.com}
     * @param clearTextPassword whether these secrets may be sent to these hosts by clear-text ({@code password}) or
     *                          {@code md5} authentication; off: only SCRAM (or no password at all) is accepted
     */
    public record Rule(List<String> references, List<String> hosts, @DefaultValue("false") boolean clearTextPassword) {

        public Rule {
            references = references == null ? List.of() : List.copyOf(references);
            hosts = hosts == null ? List.of() : List.copyOf(hosts);
        }

        boolean covers(String reference, String host) {
            return references.stream().anyMatch(p -> matches(p, reference, false))
                    && hosts.stream().anyMatch(p -> matches(p, host, true));
        }
    }

    public SecretPolicy {
        rules = rules == null ? List.of() : List.copyOf(rules);
        reserved = reserved == null ? OWN_SECRETS
                : java.util.stream.Stream.concat(OWN_SECRETS.stream(), reserved.stream()).toList();
    }

    /** For tools and tests: one rule, these references for these hosts; the own secrets stay reserved. */
    public static SecretPolicy allowing(List<String> references, List<String> hosts, boolean clearTextPassword) {
        return new SecretPolicy(List.of(new Rule(references, hosts, clearTextPassword)), null);
    }

    /**
     * Why a (valid) reference may never be resolved for any command, whatever its host: one of the service's own
     * secrets. Checked before a command is admitted, so such a command is refused without holding anything.
     */
    public Optional<String> reservedProblem(String reference) {
        if (!SecretRef.isValid(reference)) {
            return Optional.empty();
        }
        String ref = SecretRef.parse(reference).toString();
        return reserved(ref) ? Optional.of(reservedMessage(ref)) : Optional.empty();
    }

    private boolean reserved(String ref) {
        return reserved.stream().anyMatch(p -> matches(p, ref, false));
    }

    private static String reservedMessage(String ref) {
        return "secret " + ref + " is one of this service's own (migration.secrets.reserved)"
                + " and is never used for a server a command names: give the endpoint a secret of its own";
    }

    /**
     * The rule that lets this (valid) reference be sent to this host, or why not, in words that name the reference
     * and the host (both valid, so neither is a secret) and the remedy.
     */
    Rule permit(SecretRef reference, String host) {
        String ref = reference.toString();
        if (reserved(ref)) {
            throw new SecretUnavailableException(reservedMessage(ref));
        }
        if (host == null || host.isBlank()) {
            throw new SecretUnavailableException("secret " + ref + " is refused: the endpoint names no host");
        }
        Optional<Rule> rule = rules.stream().filter(r -> r.covers(ref, host)).findFirst();
        return rule.orElseThrow(() -> new SecretUnavailableException("secret " + ref + " is not allowed for host " + host
                + (rules.stream().anyMatch(r -> r.references().stream().anyMatch(p -> matches(p, ref, false)))
                ? " (migration.secrets.rules allow it for other hosts only)" : " (no rule of migration.secrets.rules names it)")
                + ": use a secret configured for this server, or have the operator add a rule {references, hosts}"
                + " to the service's configuration"));
    }

    /** A glob with {@code *} as any run of characters; hosts compare case-insensitively. */
    static boolean matches(String pattern, String value, boolean ignoreCase) {
        if (pattern == null || value == null) {
            return false;
        }
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        int flags = ignoreCase ? Pattern.CASE_INSENSITIVE : 0;
        return Pattern.compile(regex.toString(), flags | Pattern.DOTALL).matcher(ignoreCase ? value.toLowerCase(Locale.ROOT) : value).matches();
    }
}
