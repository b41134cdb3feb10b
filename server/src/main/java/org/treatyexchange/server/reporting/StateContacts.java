package org.treatyexchange.server.reporting;

import java.util.List;
import java.util.Objects;

/**
 * A State and its points of contact, in the State's order (the first is the main contact).
 *
 * @param code     ISO 3166 alpha-3 code
 * @param name     the State's name
 * @param contacts possibly empty; copied
 */
public record StateContacts(String code, String name, List<Contact> contacts) {

    public StateContacts {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(name, "name");
        contacts = List.copyOf(contacts);
    }
}
