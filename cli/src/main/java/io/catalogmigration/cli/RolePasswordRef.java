package io.catalogmigration.cli;

import picocli.CommandLine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code --role-password-ref ROLE=REF}: the secret reference of a role's password on the target. Parsed here rather
 * than by picocli's map support because picocli quotes a malformed value in its error, and that value may be a
 * password.
 */
record RolePasswordRef(String role, String ref) {

    private static final Pattern ROLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$-]*");

    /** Duplicate roles are a usage error: which of two references was meant cannot be guessed. */
    static Map<String, String> toMap(CommandLine.Model.CommandSpec spec, List<RolePasswordRef> refs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (RolePasswordRef r : refs) {
            if (map.put(r.role(), r.ref()) != null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--role-password-ref names role " + r.role() + " twice");
            }
        }
        return map;
    }

    static final class Converter implements CommandLine.ITypeConverter<RolePasswordRef> {
        @Override
        public RolePasswordRef convert(String value) {
            int eq = value.indexOf('=');
            String role = eq < 0 ? "" : value.substring(0, eq);
            // Only a well-formed role name is echoed: anything else may be the password typed in the wrong place.
            if (!ROLE.matcher(role).matches()) {
                throw new CommandLine.TypeConversionException("give ROLE=REF, e.g. alation=env:ALATION_PASSWORD (value not shown)");
            }
            if (!SecretRef.isReference(value.substring(eq + 1))) {
                throw new CommandLine.TypeConversionException("the reference for role " + role + " is not a secret reference"
                        + " (value not shown). Give one of " + SecretRef.FORMS + "; the password itself is never accepted");
            }
            return new RolePasswordRef(role, value.substring(eq + 1));
        }
    }
}
