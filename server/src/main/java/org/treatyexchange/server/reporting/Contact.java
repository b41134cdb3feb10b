package org.treatyexchange.server.reporting;

import java.util.Objects;

/**
 * One national point of contact as the contact list shows it. Optional fields are empty strings when
 * not given (a null becomes an empty string), as in the registry.
 *
 * @param name     required
 * @param title    optional
 * @param ministry optional
 * @param email    required
 * @param phone    optional
 * @param address  optional; lines separated by LF
 */
public record Contact(String name, String title, String ministry, String email, String phone, String address) {

    public Contact {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(email, "email");
        title = Objects.requireNonNullElse(title, "");
        ministry = Objects.requireNonNullElse(ministry, "");
        phone = Objects.requireNonNullElse(phone, "");
        address = Objects.requireNonNullElse(address, "");
    }
}
