package org.treatyexchange.server.portal;

import java.util.List;
import java.util.Map;

/** What a form said, for the templates: the first value of a field, every value, or whether a box was ticked. */
public final class FormValues {
    private final Map<String, List<String>> fields;

    FormValues(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    public String value(String name) {
        List<String> v = fields.get(name);
        return v == null || v.isEmpty() ? "" : v.get(0);
    }

    public List<String> values(String name) {
        return fields.getOrDefault(name, List.of());
    }

    public boolean checked(String name) {
        return value(name).equals("yes");
    }

    public boolean has(String name, String value) {
        return values(name).contains(value);
    }
}
