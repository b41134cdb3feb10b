package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.application.RegistryDesk;
import org.treatyexchange.server.application.SecretariatDesk;

/**
 * The registry under {@code /secretariat/registry}: States and their status, accounts with their SSH keys and
 * certificates (expiry, with a warning {@link RegistryDesk#EXPIRY_WARNING} ahead), revoked certificates,
 * standing instructions and points of contact. Every secretariat person reads it; the forms to add a key or
 * certificate, revoke a certificate or remove a key are offered to administrators, and {@link RegistryDesk}
 * refuses anyone else whatever the page showed.
 */
final class RegistryPages implements ConsolePart {

    static final String PATH = "/secretariat/registry";
    static final String ADD = PATH + "/keys";
    static final String REVOKE = PATH + "/revoke-certificate";
    static final String REMOVE_KEY = PATH + "/remove-key";
    private static final int MAX_FIELD = 16 * 1024;

    private final RegistryDesk desk;
    private final SecretariatDesk secretariat;
    private final Pages pages;

    RegistryPages(RegistryDesk desk, SecretariatDesk secretariat, Pages pages) {
        this.desk = desk;
        this.secretariat = secretariat;
        this.pages = pages;
    }

    @Override
    public Optional<PageResponse> handle(PageRequest r, View v, SignedIn who) throws Refusal {
        String path = r.path();
        if (SecretariatPages.isRead(r)) {
            return path.equals(PATH) ? Optional.of(page(v, who, r.param("done"), null, HttpResponseStatus.OK)) : Optional.empty();
        }
        if (!r.method().equals("POST")) {
            return Optional.empty();
        }
        try {
            switch (path) {
                case ADD -> desk.registerKeys(who.caller(), field(r, "account"), field(r, "sshKey"), field(r, "certificate"));
                case REVOKE -> desk.revokeCertificate(who.caller(), field(r, "account"), field(r, "fingerprint"));
                case REMOVE_KEY -> desk.removeSshKey(who.caller(), field(r, "account"), field(r, "fingerprint"));
                default -> {
                    return Optional.empty();
                }
            }
        } catch (Refusal e) {
            if (e.reason() == Refusal.Reason.FORBIDDEN) {
                // an officer: told plainly, with the registry unchanged (not "not found": the page exists for them)
                return Optional.of(page(v, who, null, v.t("registry.error.admin-only"), HttpResponseStatus.FORBIDDEN));
            }
            if (e.reason() == Refusal.Reason.UNAVAILABLE) {
                throw e;
            }
            return Optional.of(page(v, who, null, v.t("error.bad-input", e.getMessage()), Pages.status(e.reason())));
        }
        String done = switch (path) {
            case ADD -> "added";
            case REVOKE -> "revoked";
            default -> "removed";
        };
        return Optional.of(PageResponse.redirect(PATH + "?done=" + done));
    }

    private PageResponse page(View v, SignedIn who, String done, String error, HttpResponseStatus status) throws Refusal {
        Map<String, Object> p = new HashMap<>();
        p.put("registry", desk.registry(who.caller()));
        p.put("certificates", desk.certificates(who.caller()));
        p.put("instructions", secretariat.instructions(who.caller(), null));
        p.put("contacts", new String(secretariat.contacts(who.caller()), StandardCharsets.UTF_8));
        p.put("administrator", who.caller().administersRegistry());
        p.put("done", done == null || !done.matches("added|revoked|removed") ? null : done);
        p.put("error", error);
        p.put("csrf", who.csrfToken());
        return pages.page("secretariat-registry", v, p, status);
    }

    /** A form field, refused when longer than any key or certificate. */
    private static String field(PageRequest r, String name) throws Refusal {
        String value = r.field(name);
        if (value != null && value.length() > MAX_FIELD) {
            throw new Refusal(Refusal.Reason.TOO_LARGE, name + " is longer than " + MAX_FIELD + " characters");
        }
        return value == null ? null : value.strip();
    }
}
