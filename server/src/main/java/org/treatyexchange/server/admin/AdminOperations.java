package org.treatyexchange.server.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.treatyexchange.server.application.Administration;
import org.treatyexchange.server.application.AuditTrail;
import org.treatyexchange.server.application.Caller;
import org.treatyexchange.server.application.Dossier;
import org.treatyexchange.server.application.Filing;
import org.treatyexchange.server.application.FilingJson;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.application.RegistryDesk;
import org.treatyexchange.server.application.SecretariatDesk;
import org.treatyexchange.server.application.StandingInstructions;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.audit.AuditVerification;
import org.treatyexchange.server.config.ConfigException;
import org.treatyexchange.server.crypto.TamperedDocumentException;
import org.treatyexchange.server.recovery.Backups;
import org.treatyexchange.server.registry.RegistryChange;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.reporting.ReportingStatus;

/**
 * The admin channel's edge: each operation calls the application layer as the {@link Caller#operator()}
 * and writes the answer as the admin protocol's JSON. Refusals come back as {@link Refusal}s, which
 * {@link AdminServer} passes on with their reason code (the CLI's exit code).
 */
public final class AdminOperations {

    private static final Caller OPERATOR = Caller.operator();

    private final ObjectMapper mapper = new ObjectMapper();
    private final SecretariatDesk secretariat;
    private final Administration administration;
    private final RegistryService registry;
    private final AuditTrail audit;
    private Backups.Online backups;
    private org.treatyexchange.server.application.PortalLogins demoLogins;
    private java.time.Clock clock = java.time.Clock.systemUTC();

    public AdminOperations(SecretariatDesk secretariat, Administration administration, RegistryService registry, AuditTrail audit) {
        this.secretariat = secretariat;
        this.administration = administration;
        this.registry = registry;
        this.audit = audit;
    }

    /**
     * Enables {@code demo-totp}: the demo people's current codes. {@code logins} is null unless
     * {@code demo.enabled} is true, and then the operation is refused: a real person's second factor is
     * never printed.
     */
    public AdminOperations withDemoTotp(org.treatyexchange.server.application.PortalLogins logins, java.time.Clock clock) {
        this.demoLogins = logins;
        this.clock = clock;
        return this;
    }

    /** The current TOTP code of a demo person (demo only); audited, without the code. */
    ObjectNode demoTotp(String account) throws Refusal {
        if (demoLogins == null) {
            auditRefused("admin.demo-totp", "demo.enabled is false");
            throw new Refusal(Refusal.Reason.FORBIDDEN, "demo-totp works only when demo.enabled is true: a real person's "
                    + "second factor is never printed");
        }
        if (account == null || registry.current().account(account).isEmpty()) {
            throw new Refusal(Refusal.Reason.NOT_FOUND, "no account '" + account + "' in the registry");
        }
        byte[] secret = demoLogins.totpSecret(account).orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND,
                "account '" + account + "' has no TOTP secret (not a demo person, or not enrolled yet)"));
        java.time.Instant now = clock.instant();
        long step = org.treatyexchange.server.crypto.Totp.step(now);
        String code = org.treatyexchange.server.crypto.Totp.code(secret, step);
        java.util.Arrays.fill(secret, (byte) 0);
        audit.record(AuditEvent.ok("admin.demo-totp", OPERATOR.account(), OPERATOR.source(), account));
        ObjectNode result = mapper.createObjectNode();
        result.put("account", account);
        result.put("code", code);
        result.put("validForSeconds", (step + 1) * org.treatyexchange.server.crypto.Totp.STEP_SECONDS - now.getEpochSecond());
        return result;
    }

    /** Enables {@code backup}: wired by the server once its store, documents and keys are open. */
    public AdminOperations withBackups(Backups.Online source) {
        this.backups = source;
        return this;
    }

    /** Takes an online backup into {@code target} (a new directory); audited. */
    ObjectNode backup(String target) throws Refusal {
        if (backups == null) {
            throw new Refusal(Refusal.Reason.NOT_FOUND, "backups are not available on this server");
        }
        if (target == null || target.isBlank() || !Path.of(target).isAbsolute()) {
            throw new Refusal(Refusal.Reason.MALFORMED, "name the backup directory by an absolute path");
        }
        Backups.Taken taken;
        try {
            taken = backups.take(Path.of(target));
        } catch (Backups.BackupException e) {
            auditRefused("admin.backup", e.getMessage());
            throw new Refusal(Refusal.Reason.CONFLICT, e.getMessage());
        }
        audit.record(AuditEvent.ok("admin.backup", OPERATOR.account(), OPERATOR.source(), taken.directory().toString()));
        ObjectNode result = mapper.createObjectNode();
        result.put("directory", taken.directory().toString());
        result.put("takenAt", taken.takenAt().toString());
        result.put("documents", taken.documents());
        taken.keyFiles().forEach(result.putArray("keyFiles")::add);
        return result;
    }

    /** Filings by State, report type, period, level and status (null matches all), oldest first. */
    ObjectNode listFilings(String state, String reportType, String period, String level, String status) throws Refusal {
        ObjectNode result = mapper.createObjectNode();
        ArrayNode items = result.putArray("filings");
        secretariat.filings(OPERATOR, state, reportType, period, level, status).forEach(f -> items.add(FilingJson.describe(f)));
        return result;
    }

    /** The signed index of a reporting cycle: {@code index} (JSON) and {@code signature} (CMS over exactly those bytes), both base64. */
    ObjectNode cycleIndex(String reportType, String period) throws Refusal {
        SecretariatDesk.SignedIndex index = secretariat.cycleIndex(OPERATOR, reportType, period);
        return mapper.createObjectNode().put("index", index.jsonBase64()).put("signature", index.signatureBase64());
    }

    /** Who has filed its annual report for {@code year}: {@code table}, {@code csv} or {@code json} text. */
    ObjectNode reportingStatus(int year, String format) throws Refusal {
        String f = format == null ? "table" : format;
        if (!List.of("table", "csv", "json").contains(f)) {
            throw new Refusal(Refusal.Reason.MALFORMED, "format must be table, csv or json");
        }
        var status = secretariat.reportingStatus(OPERATOR, year);
        String text = switch (f) {
            case "csv" -> ReportingStatus.csv(status);
            case "json" -> ReportingStatus.json(status);
            default -> ReportingStatus.table(status);
        };
        return mapper.createObjectNode().put("text", text);
    }

    /** The current list of national points of contact (text). */
    ObjectNode contacts(String format) throws Refusal {
        if ("json".equals(format)) {
            try {
                return mapper.createObjectNode().set("contacts", mapper.readTree(secretariat.contactsJson(OPERATOR)));
            } catch (IOException e) {
                throw new Refusal(Refusal.Reason.UNAVAILABLE, "the contact list could not be read", e);
            }
        }
        return mapper.createObjectNode().put("text", new String(secretariat.contacts(OPERATOR), StandardCharsets.UTF_8));
    }

    /** The confidentiality in force for filings that say no level, for one State or all; as a table or JSON. */
    ObjectNode instructions(String state, String format) throws Refusal {
        List<StandingInstructions.InForce> rows = secretariat.instructions(OPERATOR, state);
        try {
            return "json".equals(format) ? (ObjectNode) mapper.readTree(StandingInstructions.json(rows))
                    : mapper.createObjectNode().put("text", StandingInstructions.table(rows));
        } catch (IOException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the list could not be written");
        }
    }

    ObjectNode showFiling(String id) throws Refusal {
        Filing f = find(id);
        ObjectNode result = mapper.createObjectNode();
        result.set("filing", FilingJson.describe(f));
        secretariat.planned(OPERATOR, id).flatMap(Filing.Planned::plan).ifPresent(p -> result.set("plan", FilingJson.describe(p)));
        ArrayNode history = result.putArray("decisions");
        for (Filing.Decision d : secretariat.decisions(OPERATOR, id)) {
            history.addObject().put("status", d.status()).put("actor", d.actor()).put("reason", d.reason()).put("at", d.at().toString());
        }
        audit.record(AuditEvent.ok("admin.show-filing", OPERATOR.account(), OPERATOR.source(), id));
        return result;
    }

    /** Writes the decrypted document to {@code out}; returns its filing. Tampering fails the export. */
    Filing export(String id, OutputStream out) throws Refusal, IOException {
        Filing f = find(id);
        try (SeekableByteChannel in = secretariat.openDocument(OPERATOR, id)) {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (TamperedDocumentException e) {
                    throw new Refusal(Refusal.Reason.TAMPERED, "the stored document of filing " + id
                            + " failed its integrity check; nothing valid to export");
                }
                if (n < 0) {
                    break;
                }
                buf.flip();
                out.write(buf.array(), 0, buf.limit());
                buf.clear();
            }
        }
        return f;
    }

    Filing find(String id) throws Refusal {
        return secretariat.filing(OPERATOR, id).orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no filing with id " + id));
    }

    /** Writes every audit event, in seq order, as JSON lines; returns how many and the export's signature. */
    Administration.AuditExport exportAudit(OutputStream out) throws Refusal, IOException {
        return administration.exportAudit(OPERATOR, out);
    }

    ObjectNode checkpointAudit() throws Refusal {
        Administration.SignedCheckpoint c = administration.checkpointAudit(OPERATOR);
        return mapper.createObjectNode().put("seq", c.seq()).put("cms", Base64.getEncoder().encodeToString(c.cms()));
    }

    ObjectNode auditCheckpoints() throws Refusal {
        ObjectNode result = mapper.createObjectNode();
        ArrayNode list = result.putArray("checkpoints");
        for (Administration.SignedCheckpoint c : administration.auditCheckpoints(OPERATOR)) {
            list.addObject().put("seq", c.seq()).put("cms", Base64.getEncoder().encodeToString(c.cms()));
        }
        return result;
    }

    ObjectNode verifyAudit() throws Refusal {
        AuditVerification v = administration.verifyAudit(OPERATOR);
        ObjectNode result = mapper.createObjectNode();
        result.put("intact", v.intact());
        result.put("eventsChecked", v.eventsChecked());
        if (v.firstBadSeq() != null) {
            result.put("firstBadEvent", v.firstBadSeq());
        }
        if (v.problem() != null) {
            result.put("problem", v.problem());
        }
        return result;
    }

    ObjectNode rotateMasterKey() throws Refusal {
        Administration.Rotation r = administration.rotateMasterKey(OPERATOR);
        return mapper.createObjectNode().put("previousKeyId", r.previousKeyId()).put("activeKeyId", r.activeKeyId())
                .put("rewrappedDataKeys", r.rewrappedDataKeys());
    }

    ObjectNode reloadRegistry() throws Refusal {
        RegistryChange change;
        try {
            change = registry.reload();
        } catch (ConfigException e) {
            auditRefused("admin.reload-registry", e.getMessage());
            throw new Refusal(Refusal.Reason.MALFORMED, "registry not reloaded, the running one is kept: " + e.getMessage());
        }
        audit.record(AuditEvent.ok("admin.reload-registry", OPERATOR.account(), OPERATOR.source(), "registry")
                .withDetail("added", String.join(",", change.added()))
                .withDetail("removed", String.join(",", change.removed()))
                .withDetail("changed", String.join(",", change.changed())));
        ObjectNode result = mapper.createObjectNode();
        result.set("added", mapper.valueToTree(change.added()));
        result.set("removed", mapper.valueToTree(change.removed()));
        result.set("changed", mapper.valueToTree(change.changed()));
        return result;
    }

    /**
     * Registers an account's new SSH public key and/or client certificate in the registry file and
     * reloads it ({@link RegistryDesk#registerKeys}, as the console does); audited with the fingerprints.
     */
    ObjectNode registerKeys(String account, String sshKeyLine, String certificatePem) throws Refusal {
        RegistryDesk.Registered r = new RegistryDesk(registry, audit, clock).registerKeys(OPERATOR, account, sshKeyLine, certificatePem);
        ObjectNode result = mapper.createObjectNode();
        result.put("account", account);
        result.put("sshKeyFingerprint", r.sshKeyFingerprint());
        result.put("certificateFingerprint", r.certificateFingerprint());
        return result;
    }

    /** Sends a secretariat message to States (their inbound queue and SFTP /distributed/); signed by the server. */
    ObjectNode send(List<String> recipients, String title, String body) throws Refusal {
        byte[] receipt = secretariat.send(OPERATOR, recipients, title, body);
        return mapper.createObjectNode().put("receipt", Base64.getEncoder().encodeToString(receipt));
    }

    /** E-mail notifications with one status (failed: those that failed for good). */
    ObjectNode notifications(String status, int limit) throws Refusal {
        ObjectNode result = mapper.createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode list = result.putArray("notifications");
        for (org.treatyexchange.server.application.Notification n : secretariat.notifications(OPERATOR, status, limit)) {
            ObjectNode o = list.addObject();
            o.put("id", n.id());
            o.put("status", n.status());
            o.put("template", n.template());
            o.put("recipient", n.recipient());
            o.put("filingId", n.filingId());
            o.put("state", n.state());
            o.put("subject", n.subject());
            o.put("attempts", n.attempts());
            o.put("createdAt", n.createdAt().toString());
            o.put("sentAt", n.sentAt() == null ? null : n.sentAt().toString());
            o.put("lastError", n.lastError());
        }
        return result;
    }

    /**
     * Filings waiting for a decision (pending, held), with their plans; the hold's reason, the first approver of a
     * four-eyes release still waiting for a second person, and the newest version of a superseded one.
     */
    ObjectNode pending() throws Refusal {
        return FilingJson.queue(secretariat.queue(OPERATOR));
    }

    ObjectNode release(String id, String supersededBy) throws Refusal {
        Filing.Release r = secretariat.release(OPERATOR, id, supersededBy);
        ObjectNode result = mapper.createObjectNode().put("id", id).put("status", r.distributed() ? "released" : "approved");
        if (r.firstApprover() != null) {
            result.put("firstApprover", r.firstApprover());
        }
        result.set("plan", FilingJson.describe(r.plan()));
        return result;
    }

    ObjectNode hold(String id, String reason) throws Refusal {
        secretariat.hold(OPERATOR, id, reason);
        return mapper.createObjectNode().put("id", id).put("status", "held");
    }

    ObjectNode withdraw(String id, String reason) throws Refusal {
        secretariat.withdraw(OPERATOR, id, reason);
        return mapper.createObjectNode().put("id", id).put("status", "withdrawn");
    }

    ObjectNode describe(Filing f) {
        return FilingJson.describe(f);
    }

    private void auditRefused(String type, String why) {
        audit.recordQuietly(AuditEvent.refused(type, OPERATOR.account(), OPERATOR.source(), "-").withDetail("reason", why));
    }

    private static String safe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
