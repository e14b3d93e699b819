package io.catalogmigration.common.pg;

/** A schema-qualified table name as configured or commanded ({@code schema.table}, default schema {@code public}). */
public record TableName(String schema, String table) {

    public static TableName parse(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a table name must not be empty");
        }
        int dot = name.indexOf('.');
        var parsed = dot < 0 ? new TableName("public", name) : new TableName(name.substring(0, dot), name.substring(dot + 1));
        if (parsed.schema().isEmpty() || parsed.table().isEmpty()) {
            throw new IllegalArgumentException("a table name must be table or schema.table, with neither part empty");
        }
        return parsed;
    }

    /** Quoted for SQL; only use after the table was found in the catalog. */
    public String quoted() {
        return SqlIdentifier.quote(schema) + "." + SqlIdentifier.quote(table);
    }

    @Override
    public String toString() {
        return "public".equals(schema) ? table : schema + "." + table;
    }
}
