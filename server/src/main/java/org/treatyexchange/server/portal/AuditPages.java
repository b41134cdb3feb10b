package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.treatyexchange.server.application.Administration;
import org.treatyexchange.server.application.AuditDesk;
import org.treatyexchange.server.application.Refusal;

/**
 * The audit page under {@code /secretariat/audit}: the chain verified now (intact, or the first bad event),
 * the latest events with filters (type, account, State, days), and the auditor's export
 * ({@code /secretariat/audit/export.zip}: the JSON lines and their signature, exactly what
 * {@code scripts/admin export-audit} writes, for {@code scripts/admin verify-audit --file}).
 */
final class AuditPages implements ConsolePart {

    static final String PATH = "/secretariat/audit";
    static final String EXPORT = PATH + "/export.zip";

    private final AuditDesk desk;
    private final Pages pages;

    AuditPages(AuditDesk desk, Pages pages) {
        this.desk = desk;
        this.pages = pages;
    }

    @Override
    public Optional<PageResponse> handle(PageRequest r, View v, SignedIn who) throws Refusal {
        if (!SecretariatPages.isRead(r)) {
            return Optional.empty();
        }
        if (r.path().equals(PATH)) {
            return Optional.of(page(r, v, who));
        }
        if (r.path().equals(EXPORT)) {
            return Optional.of(export(who));
        }
        return Optional.empty();
    }

    private PageResponse page(PageRequest r, View v, SignedIn who) throws Refusal {
        Map<String, Object> p = new HashMap<>();
        String type = param(r, "type");
        String account = param(r, "account");
        String state = param(r, "state");
        String from = param(r, "from");
        String to = param(r, "to");
        p.put("type", type == null ? "" : type);
        p.put("account", account == null ? "" : account);
        p.put("state", state == null ? "" : state);
        p.put("from", from == null ? "" : from);
        p.put("to", to == null ? "" : to);
        p.put("verification", desk.verify(who.caller()));
        p.put("error", null);
        HttpResponseStatus status = HttpResponseStatus.OK;
        try {
            p.put("events", desk.latest(who.caller(), new AuditDesk.Filter(type, account, state, day(from, "from"), day(to, "to"))));
        } catch (Refusal e) {
            if (e.reason() == Refusal.Reason.UNAVAILABLE) {
                throw e;
            }
            p.put("events", java.util.List.of());
            p.put("error", pages.message(v, e));
            status = Pages.status(e.reason());
        }
        p.put("max", AuditDesk.MAX_LISTED);
        p.put("window", AuditDesk.WINDOW);
        return pages.page("secretariat-audit", v, p, status);
    }

    /** The export and its signature in one zip, built in a temporary file that is deleted when sent. */
    private PageResponse export(SignedIn who) throws Refusal {
        String name = "audit-export-" + LocalDate.now(ZoneOffset.UTC);
        Path jsonl = null;
        Path zip = null;
        try {
            jsonl = Files.createTempFile("audit-export-", ".jsonl");
            zip = Files.createTempFile("audit-export-", ".zip");
            Administration.AuditExport export;
            try (OutputStream out = Files.newOutputStream(jsonl)) {
                export = desk.export(who.caller(), out);
            }
            try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
                z.putNextEntry(new ZipEntry(name + ".jsonl"));
                Files.copy(jsonl, z);
                z.closeEntry();
                z.putNextEntry(new ZipEntry(name + ".jsonl.p7s"));
                z.write(export.signature());
                z.closeEntry();
            }
            long size = Files.size(zip);
            SeekableByteChannel channel = Files.newByteChannel(zip, StandardOpenOption.READ, StandardOpenOption.DELETE_ON_CLOSE);
            zip = null; // deleted when the channel closes
            return PageResponse.attachment(name + ".zip", channel, size);
        } catch (IOException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the audit export could not be written", e);
        } finally {
            deleteQuietly(jsonl);
            deleteQuietly(zip);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // a temporary file; the OS cleans its temporary folder
            }
        }
    }

    private static String param(PageRequest r, String name) {
        String value = r.param(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static LocalDate day(String value, String field) throws Refusal {
        if (value == null) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new Refusal(Refusal.Reason.MALFORMED, field + " must be a day such as 2026-05-31");
        }
    }
}
