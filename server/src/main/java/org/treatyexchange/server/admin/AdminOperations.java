package org.treatyexchange.server.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.Optional;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.audit.AuditLog;
import org.treatyexchange.server.audit.AuditRowJson;
import org.treatyexchange.server.audit.AuditVerification;
import org.treatyexchange.server.audit.AuditVerifier;
import org.treatyexchange.server.config.ConfigException;
import org.treatyexchange.server.crypto.MasterKeys;
import org.treatyexchange.server.crypto.ReceiptSigner;
import org.treatyexchange.server.crypto.TamperedDocumentException;
import org.treatyexchange.server.filing.FilingException;
import org.treatyexchange.server.filing.FilingService;
import org.treatyexchange.server.messages.MessageException;
import org.treatyexchange.server.messages.MessageService;
import org.treatyexchange.server.recovery.Backups;
import org.treatyexchange.server.release.FilingJson;
import org.treatyexchange.server.release.ReleaseService;
import org.treatyexchange.server.release.Reports;
import org.treatyexchange.server.release.StandingInstructions;
import org.treatyexchange.server.store.RoutingRecords;
import org.treatyexchange.server.crypto.LocalCertificateAuthority;
import org.treatyexchange.server.registry.RegistryChange;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.store.AuditRow;
import org.treatyexchange.server.store.DocumentKeyRecords.DocumentKey;
import org.treatyexchange.server.store.FilingQuery;
import org.treatyexchange.server.store.FilingRecord;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;
import java.nio.file.Path;

/**
 * What an operator can do through the admin CLI. Every act is audited with actor {@code operator};
 * an act whose audit event cannot be written fails.
 */
public final class AdminOperations {

    static final String ACTOR = "operator";
    static final String SOURCE = "admin-socket";
    private static final int REWRAP_BATCH = 500;

    private final ObjectMapper mapper = new ObjectMapper();
    private final Store store;
    private final FilingService filings;
    private final MasterKeys masterKeys;
    private final RegistryService registry;
    private final AuditLog audit;
    private final MessageService messages;
    private final ReleaseService release;
    private final ReceiptSigner signer;
    private final Reports reports;
    private final StandingInstructions instructions;
    private Backups.Online backups;

    public AdminOperations(Store store, FilingService filings, MasterKeys masterKeys, RegistryService registry, AuditLog audit,
            MessageService messages, ReleaseService release, ReceiptSigner signer, Reports reports, StandingInstructions instructions) {
        this.instructions = instructions;
        this.signer = signer;
        this.reports = reports;
        this.messages = messages;
        this.release = release;
        this.store = store;
        this.filings = filings;
        this.masterKeys = masterKeys;
        this.registry = registry;
        this.audit = audit;
    }

    /** Enables {@code backup}: wired by the server once its store, documents and keys are open. */
    public AdminOperations withBackups(Backups.Online source) {
        this.backups = source;
        return this;
    }

    /** Takes an online backup into {@code target} (a new directory); audited. */
    ObjectNode backup(String target) throws AdminException {
        if (backups == null) {
            throw new AdminException("backups are not available on this server");
        }
        if (target == null || target.isBlank() || !Path.of(target).isAbsolute()) {
            throw new AdminException("name the backup directory by an absolute path");
        }
        Backups.Taken taken;
        try {
            taken = backups.take(Path.of(target));
        } catch (Backups.BackupException e) {
            auditRefused("admin.backup", e.getMessage());
            throw new AdminException(e.getMessage());
        }
        auditOk("admin.backup", taken.directory().toString());
        ObjectNode result = mapper.createObjectNode();
        result.put("directory", taken.directory().toString());
        result.put("takenAt", taken.takenAt().toString());
        result.put("documents", taken.documents());
        taken.keyFiles().forEach(result.putArray("keyFiles")::add);
        return result;
    }

    /** A refusal the CLI shows as it is (safe text). */
    static final class AdminException extends Exception {
        private static final long serialVersionUID = 1L;

        AdminException(String message) {
            super(message);
        }
    }

    /** Filings by State, report type, period, level and status (null matches all), oldest first. */
    ObjectNode listFilings(String state, String reportType, String period, String level, String status) throws AdminException {
        try {
            List<FilingRecord> list = select(state, reportType, period, level, status);
            auditOk("admin.list-filings", state == null ? "-" : state);
            ObjectNode result = mapper.createObjectNode();
            ArrayNode items = result.putArray("filings");
            list.forEach(f -> items.add(describe(f)));
            return result;
        } catch (FilingException e) {
            throw new AdminException(e.getMessage());
        }
    }

    private List<FilingRecord> select(String state, String reportType, String period, String level, String status)
            throws FilingException {
        return filings.list(new FilingQuery(state, null, reportType, 10_000)).stream()
                .filter(f -> period == null || period.equals(f.period()))
                .filter(f -> level == null || level.equals(f.level().wireName()))
                .filter(f -> status == null || status.equals(f.status()))
                .toList();
    }

    /**
     * The index of a reporting cycle (e.g. every annual report for 2025), signed by the server's
     * receipt key, so that an exported folder can be checked later: {@code index} (JSON) and
     * {@code signature} (CMS over exactly those bytes), both base64.
     */
    ObjectNode cycleIndex(String reportType, String period) throws AdminException {
        if (reportType == null || period == null) {
            throw new AdminException("a reporting cycle is a report type and a period");
        }
        try {
            ObjectNode index = mapper.createObjectNode();
            index.put("reportType", reportType);
            index.put("period", period);
            index.put("generatedAt", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
            ArrayNode items = index.putArray("filings");
            for (FilingRecord f : select(null, reportType, period, null, null)) {
                ObjectNode n = describe(f);
                n.put("path", f.state() + "/" + f.id() + "--" + f.fileName());
                items.add(n);
            }
            byte[] json = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(index);
            byte[] signature = signer.sign(json);
            auditOk("admin.export-cycle", reportType + " " + period);
            ObjectNode result = mapper.createObjectNode();
            result.put("index", java.util.Base64.getEncoder().encodeToString(json));
            result.put("signature", java.util.Base64.getEncoder().encodeToString(signature));
            return result;
        } catch (FilingException e) {
            throw new AdminException(e.getMessage());
        } catch (IOException e) {
            throw new AdminException("the index could not be written");
        }
    }

    /** Who has filed its annual report for {@code year}: {@code table}, {@code csv} or {@code json} text. */
    ObjectNode reportingStatus(int year, String format) throws AdminException {
        try {
            List<org.treatyexchange.server.reporting.StateStatus> status = reports.annualStatus(year);
            String text = switch (format == null ? "table" : format) {
                case "csv" -> org.treatyexchange.server.reporting.ReportingStatus.csv(status);
                case "json" -> org.treatyexchange.server.reporting.ReportingStatus.json(status);
                case "table" -> org.treatyexchange.server.reporting.ReportingStatus.table(status);
                default -> throw new AdminException("format must be table, csv or json");
            };
            auditOk("admin.reporting-status", Integer.toString(year));
            return mapper.createObjectNode().put("text", text);
        } catch (StoreException e) {
            throw new AdminException("the store is unavailable: " + e.getMessage());
        }
    }

    /** The current list of national points of contact (text). */
    ObjectNode contacts() throws AdminException {
        try {
            String text = new String(reports.contactListDocument(), java.nio.charset.StandardCharsets.UTF_8);
            auditOk("admin.contacts", "-");
            return mapper.createObjectNode().put("text", text);
        } catch (StoreException e) {
            throw new AdminException("the store is unavailable: " + e.getMessage());
        }
    }

    /** The confidentiality in force for filings that say no level, for one State or all; as a table or JSON. */
    ObjectNode instructions(String state, String format) throws AdminException {
        try {
            List<StandingInstructions.InForce> rows = instructions.inForce(state);
            if (state != null && rows.isEmpty()) {
                throw new AdminException("no State " + state + " in the registry");
            }
            auditOk("admin.instructions", state == null ? "-" : state);
            return "json".equals(format) ? (ObjectNode) mapper.readTree(StandingInstructions.json(rows))
                    : mapper.createObjectNode().put("text", StandingInstructions.table(rows));
        } catch (StoreException e) {
            throw new AdminException("the store is unavailable: " + e.getMessage());
        } catch (IOException e) {
            throw new AdminException("the list could not be written");
        }
    }

    ObjectNode showFiling(String id) throws AdminException {
        FilingRecord f = find(id);
        auditOk("admin.show-filing", id);
        ObjectNode result = mapper.createObjectNode();
        result.set("filing", describe(f));
        try {
            release.plan(id).ifPresent(p -> result.set("plan", describe(p)));
            ArrayNode history = result.putArray("decisions");
            for (RoutingRecords.Decision d : release.history(id)) {
                history.addObject().put("status", d.status()).put("actor", d.actor()).put("reason", d.reason())
                        .put("at", d.decidedAt().toString());
            }
        } catch (StoreException e) {
            throw new AdminException("the store is unavailable: " + e.getMessage());
        }
        return result;
    }

    /** Writes the decrypted document to {@code out}; returns its record. Tampering fails the export. */
    FilingRecord export(String id, OutputStream out) throws AdminException, IOException {
        FilingRecord f = find(id);
        try (SeekableByteChannel in = filings.openDocument(f, ACTOR, SOURCE)) {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (TamperedDocumentException e) {
                    throw new AdminException("the stored document of filing " + id + " failed its integrity check; nothing valid to export");
                }
                if (n < 0) {
                    break;
                }
                buf.flip();
                out.write(buf.array(), 0, buf.limit());
                buf.clear();
            }
        } catch (FilingException e) {
            throw new AdminException(e.getMessage());
        }
        return f;
    }

    FilingRecord find(String id) throws AdminException {
        try {
            Optional<FilingRecord> f = filings.byId(id);
            return f.orElseThrow(() -> new AdminException("no filing with id " + id));
        } catch (FilingException e) {
            throw new AdminException(e.getMessage());
        }
    }

    /** Writes every audit event, in seq order, as JSON lines (the offline auditor's copy); returns how many. */
    long exportAudit(OutputStream out) throws AdminException, IOException {
        auditOk("admin.export-audit", "audit");
        long count = 0;
        long after = 0;
        while (true) {
            final long from = after;
            List<AuditRow> page;
            try {
                page = store.read(tx -> tx.audit().after(from, 500));
            } catch (StoreException e) {
                throw new AdminException("the audit log could not be read: " + e.getMessage());
            }
            for (AuditRow row : page) {
                out.write((AuditRowJson.toLine(row) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                after = row.seq();
                count++;
            }
            if (page.size() < 500) {
                return count;
            }
        }
    }

    ObjectNode verifyAudit() throws AdminException {
        try {
            AuditVerification v = AuditVerifier.verify(store);
            auditOk("admin.verify-audit", v.intact() ? "intact" : "broken");
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
        } catch (StoreException e) {
            throw new AdminException("the audit log could not be read: " + e.getMessage());
        }
    }

    /**
     * Adds a new master key and re-wraps every document's data key under it, in batches; documents
     * are not re-encrypted. Old master keys stay in the keystore so that backups remain readable.
     */
    ObjectNode rotateMasterKey() throws AdminException {
        try {
            String previous = masterKeys.activeKeyId();
            String active = masterKeys.rotate();
            long rewrapped = 0;
            while (true) {
                int n = store.inTransaction(tx -> {
                    List<DocumentKey> batch = tx.documentKeys().notWrappedBy(active, REWRAP_BATCH);
                    for (DocumentKey key : batch) {
                        tx.documentKeys().rewrap(masterKeys.rewrap(key));
                    }
                    return batch.size();
                });
                rewrapped += n;
                if (n == 0) {
                    break;
                }
            }
            final long total = rewrapped;
            audit.record(store, AuditEvent.ok("admin.rotate-master-key", ACTOR, SOURCE, active)
                    .withDetail("previousKeyId", previous)
                    .withDetail("rewrappedDataKeys", Long.toString(total)));
            ObjectNode result = mapper.createObjectNode();
            result.put("previousKeyId", previous);
            result.put("activeKeyId", active);
            result.put("rewrappedDataKeys", total);
            return result;
        } catch (Exception e) {
            throw new AdminException("master key rotation failed: " + safe(e));
        }
    }

    ObjectNode reloadRegistry() throws AdminException {
        RegistryChange change;
        try {
            change = registry.reload();
        } catch (ConfigException e) {
            auditRefused("admin.reload-registry", e.getMessage());
            throw new AdminException("registry not reloaded, the running one is kept: " + e.getMessage());
        }
        try {
            audit.record(store, AuditEvent.ok("admin.reload-registry", ACTOR, SOURCE, "registry")
                    .withDetail("added", String.join(",", change.added()))
                    .withDetail("removed", String.join(",", change.removed()))
                    .withDetail("changed", String.join(",", change.changed())));
        } catch (StoreException e) {
            throw new AdminException("the registry was reloaded but its audit event could not be written: " + e.getMessage());
        }
        ObjectNode result = mapper.createObjectNode();
        result.set("added", mapper.valueToTree(change.added()));
        result.set("removed", mapper.valueToTree(change.removed()));
        result.set("changed", mapper.valueToTree(change.changed()));
        return result;
    }

    /**
     * Registers an account's new SSH public key and/or client certificate in the registry file and
     * reloads it (see {@link RegistryService#registerKeys}); audited with the fingerprints.
     */
    ObjectNode registerKeys(String account, String sshKeyLine, String certificatePem) throws AdminException {
        String sshFingerprint = null;
        String certificateFingerprint = null;
        try {
            if (sshKeyLine != null) {
                sshFingerprint = org.treatyexchange.server.crypto.SshKeyFiles.fingerprint(
                        org.treatyexchange.server.crypto.SshKeyFiles.parseAuthorizedKey(sshKeyLine));
            }
            if (certificatePem != null) {
                List<java.security.cert.X509Certificate> certs = LocalCertificateAuthority.readPemCertificates(certificatePem);
                certificateFingerprint = LocalCertificateAuthority.fingerprint(certs.get(0));
            }
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            auditRefused("admin.register-keys", safe(e));
            throw new AdminException("not registered: " + safe(e));
        }
        String note = "registered with scripts/admin register on " + java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        RegistryChange change;
        try {
            change = registry.registerKeys(account, sshKeyLine, certificatePem, note);
        } catch (ConfigException | IllegalArgumentException | IOException e) {
            auditRefused("admin.register-keys", safe(e));
            throw new AdminException("not registered, nothing changed: " + safe(e));
        }
        try {
            AuditEvent event = AuditEvent.ok("admin.register-keys", ACTOR, SOURCE, account);
            if (sshFingerprint != null) {
                event = event.withDetail("sshKeyFingerprint", sshFingerprint);
            }
            if (certificateFingerprint != null) {
                event = event.withDetail("certificateFingerprint", certificateFingerprint);
            }
            audit.record(store, event.withDetail("changed", String.join(",", change.changed())));
        } catch (StoreException e) {
            throw new AdminException("the keys were registered but the audit event could not be written: " + e.getMessage());
        }
        ObjectNode result = mapper.createObjectNode();
        result.put("account", account);
        result.put("sshKeyFingerprint", sshFingerprint);
        result.put("certificateFingerprint", certificateFingerprint);
        return result;
    }

    /** Sends a secretariat message to States (their inbound queue and SFTP /distributed/); signed by the server. */
    ObjectNode send(List<String> recipients, String title, String body) throws AdminException {
        try {
            byte[] receipt = messages.sendAsOperator(recipients, title, body);
            ObjectNode result = mapper.createObjectNode();
            result.put("receipt", java.util.Base64.getEncoder().encodeToString(receipt));
            return result;
        } catch (MessageException e) {
            throw new AdminException("not sent: " + e.getMessage());
        }
    }

    /** Filings waiting for a decision (pending, held), with their plans. */
    ObjectNode pending() throws AdminException {
        try {
            ObjectNode result = FilingJson.list(release.awaitingWithPlans());
            auditOk("admin.list-pending", "-");
            return result;
        } catch (StoreException e) {
            throw new AdminException("the store is unavailable: " + e.getMessage());
        }
    }

    ObjectNode release(String id) throws AdminException {
        try {
            RoutingRecords.Plan plan = release.release(id, ACTOR, SOURCE);
            ObjectNode result = mapper.createObjectNode();
            result.put("id", id);
            result.set("plan", describe(plan));
            return result;
        } catch (ReleaseService.ReleaseException e) {
            throw new AdminException(e.getMessage());
        } catch (StoreException e) {
            throw new AdminException("the store is unavailable: " + e.getMessage());
        }
    }

    ObjectNode hold(String id, String reason) throws AdminException {
        try {
            release.hold(id, reason, ACTOR, SOURCE);
            return mapper.createObjectNode().put("id", id).put("status", ReleaseService.HELD);
        } catch (ReleaseService.ReleaseException e) {
            throw new AdminException(e.getMessage());
        } catch (StoreException e) {
            throw new AdminException("the store is unavailable: " + e.getMessage());
        }
    }

    ObjectNode withdraw(String id, String reason) throws AdminException {
        FilingRecord f = find(id);
        try {
            release.withdraw(id, f.state(), ACTOR, SOURCE, reason == null ? "withdrawn at the State's request (operator)" : reason);
            return mapper.createObjectNode().put("id", id).put("status", ReleaseService.WITHDRAWN);
        } catch (ReleaseService.ReleaseException e) {
            throw new AdminException(e.getMessage());
        } catch (StoreException e) {
            throw new AdminException("the store is unavailable: " + e.getMessage());
        }
    }

    ObjectNode describe(RoutingRecords.Plan p) {
        return FilingJson.describe(p);
    }

    ObjectNode describe(FilingRecord f) {
        return FilingJson.describe(f);
    }

    private void auditOk(String type, String subject) throws AdminException {
        try {
            audit.record(store, AuditEvent.ok(type, ACTOR, SOURCE, subject));
        } catch (StoreException e) {
            throw new AdminException("the audit event could not be written, so nothing was done: " + e.getMessage());
        }
    }

    private void auditRefused(String type, String why) {
        try {
            audit.record(store, AuditEvent.refused(type, ACTOR, SOURCE, "-").withDetail("reason", why));
        } catch (StoreException e) {
            // the refusal itself is reported to the operator
        }
    }

    private static String safe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
