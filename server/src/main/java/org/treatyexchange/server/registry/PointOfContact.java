package org.treatyexchange.server.registry;

import java.util.Objects;

/**
 * A national point of contact. Visible to States Parties only, never to the public.
 * Optional fields are empty strings when not given.
 */
public record PointOfContact(String name, String title, String ministry, String email, String phone, String address) {
    public PointOfContact {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(ministry, "ministry");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(phone, "phone");
        Objects.requireNonNull(address, "address");
    }
}
