package org.treatyexchange.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import org.treatyexchange.server.config.ConfigException;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.config.ServerConfigLoader;
import org.treatyexchange.server.config.StorageEnvironment;
import org.treatyexchange.server.home.ExchangeHome;
import org.treatyexchange.server.home.HomeException;
import java.time.Clock;
import org.treatyexchange.server.recovery.Backups;
import org.treatyexchange.server.recovery.StoreMigration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The operator's command line ({@code scripts/admin}). It works while the server runs, through the
 * local admin channel ({@code hash-password} and {@code verify-audit --file} work offline). Exit codes: 0 done, 1 refused or failed (e.g. a broken audit chain), 2 usage,
 * 3 server not reachable.
 */
@Command(name = "admin", mixinStandardHelpOptions = true, version = "treaty-exchange admin 0.1",
        description = "Operator commands for a running Treaty Exchange server.",
        subcommands = {AdminCli.ListFilings.class, AdminCli.Show.class, AdminCli.Export.class, AdminCli.VerifyAudit.class,
            AdminCli.ExportAudit.class, AdminCli.Checkpoint.class, AdminCli.ExportCheckpoints.class,
            AdminCli.RotateMasterKey.class, AdminCli.ReloadRegistry.class, AdminCli.Register.class, AdminCli.Send.class, AdminCli.Pending.class,
            AdminCli.Release.class, AdminCli.Hold.class, AdminCli.Withdraw.class, AdminCli.ExportCycle.class, AdminCli.Status.class,
            AdminCli.Contacts.class, AdminCli.Instructions.class, AdminCli.Backup.class, AdminCli.Restore.class, AdminCli.MigrateStore.class,
            AdminCli.DemoTotp.class, AdminCli.Notifications.class, HashPassword.class})
public final class AdminCli {

    /** Exit codes: 0 done; the others say why not (README, "Operations"). */
    static final int REFUSED = 1;
    static final int BAD_INPUT = 2;
    static final int UNREACHABLE = 3;
    static final int FORBIDDEN = 4;
    static final int NOT_FOUND = 5;
    static final int CONFLICT = 6;

    /** The exit code of a refusal with this reason code: the one place the CLI maps the layer's reasons. */
    static int exitCode(String reason) {
        if (reason == null) {
            return REFUSED;
        }
        return switch (reason) {
            case "invalid-name", "unknown-report-type", "invalid-period", "invalid-routing", "invalid-content", "malformed", "bad-signature",
                    "clock-skew", "digest-mismatch", "too-large" -> BAD_INPUT;
            case "forbidden", "unknown-signer", "signer-not-of-state" -> FORBIDDEN;
            case "not-found" -> NOT_FOUND;
            case "conflict", "duplicate-id" -> CONFLICT;
            default -> REFUSED;
        };
    }

    @Option(names = "--home", description = "The server's data directory (default: $EXCHANGE_HOME or ./data).")
    Path home;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Standard input (a secret is read from the console instead when there is one). */
    java.io.InputStream in = System.in;

    /** The environment: where offline commands find the secrets' files, as the server does. */
    java.util.Map<String, String> env = System.getenv();

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, System.in, out, err);
    }

    /** Runs the CLI with the given streams, {@code in} for commands that read secrets; returns the exit code. */
    public static int run(String[] args, java.io.InputStream in, PrintWriter out, PrintWriter err) {
        return run(args, in, out, err, System.getenv());
    }

    /** Runs the CLI with the given streams and environment; returns the exit code. */
    public static int run(String[] args, java.io.InputStream in, PrintWriter out, PrintWriter err, java.util.Map<String, String> env) {
        AdminCli admin = new AdminCli();
        admin.in = in;
        admin.env = env;
        CommandLine cli = new CommandLine(admin);
        HelpOption.addToEverySubcommand(cli);
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    AdminClient client() {
        return new AdminClient(homeDirectory().resolve("run").resolve("admin.sock"));
    }

    /** --home, else $EXCHANGE_HOME, else ./data: the server's own rule. */
    Path homeDirectory() {
        Path h = home;
        if (h == null) {
            String env = this.env.get("EXCHANGE_HOME");
            h = Path.of(env == null || env.isEmpty() ? "data" : env);
        }
        return h.toAbsolutePath();
    }

    static void putIfSet(ObjectNode r, String key, String value) {
        if (value != null) {
            r.put(key, value);
        }
    }

    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        AdminCli parent;

        @Override
        public Integer call() {
            PrintWriter out = parent.spec.commandLine().getOut();
            PrintWriter err = parent.spec.commandLine().getErr();
            try {
                AdminClient.Answer a = invoke(parent.client());
                if (!a.ok()) {
                    err.println("refused (" + (a.reason() == null ? "refused" : a.reason()) + "): " + a.error());
                    return exitCode(a.reason());
                }
                return print(a.result(), out, err);
            } catch (IOException e) {
                err.println(e.getMessage());
                return UNREACHABLE;
            }
        }

        abstract AdminClient.Answer invoke(AdminClient client) throws IOException;

        int print(JsonNode result, PrintWriter out, PrintWriter err) throws IOException {
            out.println(AdminProtocol.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
            return 0;
        }
    }

    @Command(name = "filings", description = "List filings (oldest first).")
    static final class ListFilings extends Sub {
        @Option(names = "--state", description = "Only this State (ISO alpha-3).")
        String state;

        @Option(names = "--report-type", description = "Only this report type.")
        String reportType;

        @Option(names = "--period", description = "Only this reporting period (e.g. 2025).")
        String period;

        @Option(names = "--level", description = "Only this level (public, states-parties, secretariat, named).")
        String level;

        @Option(names = "--status", description = "Only this status (pending, held, released, withdrawn).")
        String status;

        @Option(names = "--json", description = "JSON (every field of each filing) instead of a table.")
        boolean json;

        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            ObjectNode r = AdminClient.request("list-filings");
            putIfSet(r, "state", state);
            putIfSet(r, "reportType", reportType);
            putIfSet(r, "period", period);
            putIfSet(r, "level", level);
            putIfSet(r, "status", status);
            return client.call(r);
        }

        @Override
        int print(JsonNode result, PrintWriter out, PrintWriter err) throws IOException {
            if (json) {
                return super.print(result, out, err);
            }
            for (JsonNode f : result.path("filings")) {
                out.printf("%s  %s  %-22s %-15s %-9s %10d  %s%n", f.path("id").asText(), f.path("state").asText(),
                        f.path("reportType").asText(), f.path("level").asText(), f.path("status").asText(), f.path("size").asLong(),
                        f.path("fileName").asText());
            }
            return 0;
        }
    }

    @Command(name = "show", description = "Show one filing's record.")
    static final class Show extends Sub {
        @Parameters(paramLabel = "FILING_ID")
        String id;

        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            return client.call(AdminClient.request("show-filing").put("id", id));
        }
    }

    /** Streams an answer into a new file; a failed answer leaves no file behind. */
    static AdminClient.Answer streamToNewFile(Path target, ObjectNode request, AdminClient client) throws IOException {
        if (Files.exists(target)) {
            return new AdminClient.Answer(false, null, target + " already exists", "conflict");
        }
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        AdminClient.Answer a;
        try (OutputStream sink = Files.newOutputStream(tmp)) {
            a = client.stream(request, sink);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        if (a.ok()) {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } else {
            Files.deleteIfExists(tmp); // a failed (e.g. tampered) export leaves no partial file
        }
        return a;
    }

    @Command(name = "export", description = "Write a filing's decrypted document to a file (audited).")
    static final class Export extends Sub {
        @Parameters(paramLabel = "FILING_ID")
        String id;

        @Option(names = {"-o", "--out"}, required = true, description = "File to write; it must not exist yet.")
        Path target;

        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            return streamToNewFile(target, AdminClient.request("export").put("id", id), client);
        }

        @Override
        int print(JsonNode result, PrintWriter out, PrintWriter err) {
            out.printf("exported %s (%d bytes, sha256 %s) to %s%n", result.path("id").asText(), result.path("size").asLong(),
                    result.path("sha256").asText(), target);
            return 0;
        }
    }

    @Command(name = "export-audit", description = "Write every audit event as JSON lines, for an auditor to verify offline.")
    static final class ExportAudit extends Sub {
        @Option(names = {"-o", "--out"}, required = true, description = "File to write; it must not exist yet.")
        Path target;

        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            return streamToNewFile(target, AdminClient.request("export-audit"), client);
        }

        @Override
        int print(JsonNode result, PrintWriter out, PrintWriter err) {
            Path signature = target.resolveSibling(target.getFileName() + ".p7s");
            try {
                Files.write(signature, java.util.Base64.getDecoder().decode(result.path("signature").asText()));
            } catch (IOException e) {
                err.println("cannot write the export's signature " + signature + ": " + e.getMessage());
                return REFUSED;
            }
            out.printf("exported %d audit events to %s (signed in %s)%n", result.path("events").asLong(), target, signature.getFileName());
            return 0;
        }
    }

    @Command(name = "checkpoint", description = "Sign a checkpoint of the audit chain's head now (the server also signs one every "
            + "audit.checkpointInterval); with -o, write it to a file.")
    static final class Checkpoint extends Sub {
        @Option(names = {"-o", "--out"}, description = "File to write the signed checkpoint to; it must not exist yet.")
        Path target;

        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            if (target != null && Files.exists(target)) {
                return new AdminClient.Answer(false, null, target + " already exists", "conflict");
            }
            return client.call(AdminClient.request("audit-checkpoint"));
        }

        @Override
        int print(JsonNode result, PrintWriter out, PrintWriter err) {
            if (target != null) {
                try {
                    Files.write(target, java.util.Base64.getDecoder().decode(result.path("cms").asText()));
                } catch (IOException e) {
                    err.println("cannot write " + target + ": " + e.getMessage());
                    return REFUSED;
                }
            }
            out.printf("audit checkpoint at event %d%s%n", result.path("seq").asLong(), target == null ? "" : " written to " + target);
            return 0;
        }
    }

    @Command(name = "export-checkpoints", description = "Write every signed audit checkpoint (checkpoint-SEQ.p7s) to a new folder, "
            + "for verify-audit --anchors.")
    static final class ExportCheckpoints extends Sub {
        @Option(names = {"-o", "--out"}, required = true, description = "Folder to create; it must not exist yet.")
        Path folder;

        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            if (Files.exists(folder)) {
                return new AdminClient.Answer(false, null, folder + " already exists", "conflict");
            }
            AdminClient.Answer a = client.call(AdminClient.request("audit-checkpoints"));
            if (!a.ok()) {
                return a;
            }
            Files.createDirectories(folder);
            for (JsonNode c : a.result().path("checkpoints")) {
                Files.write(folder.resolve("checkpoint-" + c.path("seq").asLong() + ".p7s"),
                        java.util.Base64.getDecoder().decode(c.path("cms").asText()));
            }
            return a;
        }

        @Override
        int print(JsonNode result, PrintWriter out, PrintWriter err) {
            out.printf("exported %d audit checkpoints to %s%n", result.path("checkpoints").size(), folder);
            return 0;
        }
    }

    @Command(name = "verify-audit", description = "Verify the audit log's hash chain; exit 1 if it is broken. "
            + "With --file, verify a signed export offline (no server needed): a cut or rewritten export is reported; "
            + "with --anchors, also against receipts and checkpoints.")
    static final class VerifyAudit extends Sub {
        @Option(names = "--file", description = "An export written by export-audit (its signature FILE.p7s beside it).")
        Path file;

        @Option(names = "--signature", description = "The export's signature (default: FILE.p7s).")
        Path signature;

        @Option(names = "--certificate", description = "The receipt certificate (default: HOME/keys/receipt-cert.pem).")
        Path certificate;

        @Option(names = "--anchors", description = "A folder of receipts (.p7s), checkpoints and export signatures to check the export "
                + "against: any that disagrees proves tampering, and the report names the event.")
        Path anchors;

        @Override
        public Integer call() {
            if (file == null) {
                return super.call();
            }
            PrintWriter out = parent.spec.commandLine().getOut();
            PrintWriter err = parent.spec.commandLine().getErr();
            Path sig = signature != null ? signature : file.resolveSibling(file.getFileName() + ".p7s");
            Path cert = certificate != null ? certificate : parent.homeDirectory().resolve("keys").resolve("receipt-cert.pem");
            return OfflineAuditCheck.run(file, sig, cert, anchors, out, err);
        }

        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            return client.call(AdminClient.request("verify-audit"));
        }

        @Override
        int print(JsonNode result, PrintWriter out, PrintWriter err) {
            if (result.path("intact").asBoolean(false)) {
                out.printf("audit chain intact: %d events verified%n", result.path("eventsChecked").asLong());
                return 0;
            }
            out.printf("audit chain BROKEN at event %d: %s (%d events checked)%n",
                    result.hasNonNull("firstBadEvent") ? result.path("firstBadEvent").asLong() : result.path("firstBadSeq").asLong(),
                    result.path("problem").asText(), result.path("eventsChecked").asLong());
            return REFUSED;
        }
    }

    @Command(name = "rotate-master-key", description = "Create a new master key and re-wrap every document key under it.")
    static final class RotateMasterKey extends Sub {
        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            return client.call(AdminClient.request("rotate-master-key"));
        }
    }

    @Command(name = "reload-registry", description = "Re-read config/registry.yaml; a bad file keeps the running registry.")
    static final class ReloadRegistry extends Sub {
        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            return client.call(AdminClient.request("reload-registry"));
        }
    }

    @Command(name = "register", description = "Register an account's SSH public key and/or client certificate in the registry "
            + "file and reload it (what scripts/exchange keygen wrote; compare the fingerprints with the State's).")
    static final class Register extends Sub {
        @Option(names = "--account", required = true, description = "The account, e.g. borealia-system.")
        String account;

        @Option(names = "--ssh-key", paramLabel = "FILE", description = "An OpenSSH public key file (one line).")
        Path sshKey;

        @Option(names = "--certificate", paramLabel = "FILE", description = "A PEM client certificate.")
        Path certificate;

        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            ObjectNode r = AdminClient.request("register-keys").put("account", account);
            if (sshKey != null) {
                r.put("sshKey", Files.readString(sshKey).strip());
            }
            if (certificate != null) {
                r.put("certificate", Files.readString(certificate));
            }
            return client.call(r);
        }

        @Override
        int print(JsonNode result, PrintWriter out, PrintWriter err) {
            out.printf("registered for %s:%s%s; registry reloaded%n", result.path("account").asText(),
                    result.hasNonNull("sshKeyFingerprint") ? " SSH key " + result.path("sshKeyFingerprint").asText() : "",
                    result.hasNonNull("certificateFingerprint") ? " certificate " + result.path("certificateFingerprint").asText() : "");
            return 0;
        }
    }

    @Command(name = "send", description = "Send a secretariat message to States: their inbound queue and SFTP /distributed/.")
    static final class Send extends Sub {
        @Option(names = "--to", required = true, split = ",",
                description = "State codes (e.g. ARC,BOR), or all-states-parties.")
        java.util.List<String> recipients;

        @Option(names = "--title", required = true, description = "The message's title.")
        String title;

        @Option(names = "--body-file", description = "A UTF-8 text file with the message's body.")
        Path bodyFile;

        @Option(names = "--receipt", description = "Where to write the signed receipt (CMS, DER).")
        Path receipt;

        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            ObjectNode r = AdminClient.request("send").put("title", title);
            recipients.forEach(r.putArray("recipients")::add);
            if (bodyFile != null) {
                r.put("body", Files.readString(bodyFile));
            }
            return client.call(r);
        }

        @Override
        int print(JsonNode result, PrintWriter out, PrintWriter err) throws IOException {
            byte[] signed = java.util.Base64.getDecoder().decode(result.path("receipt").asText());
            if (receipt != null) {
                Files.write(receipt, signed);
            }
            out.printf("sent to %s%s%n", String.join(",", recipients), receipt == null ? "" : "; receipt in " + receipt);
            return 0;
        }
    }

    @Command(name = "pending", description = "Filings waiting for the secretariat's decision (pending or held), with their plans.")
    static final class Pending extends Sub {
        @Option(names = "--json", description = "JSON (each filing, its plan and, when held, the hold reason) instead of a table.")
        boolean json;

        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            return client.call(AdminClient.request("pending"));
        }

        @Override
        int print(JsonNode result, PrintWriter out, PrintWriter err) throws IOException {
            if (json) {
                return super.print(result, out, err);
            }
            for (JsonNode f : result.path("filings")) {
                JsonNode plan = f.path("plan");
                java.util.List<String> recipients = new java.util.ArrayList<>();
                plan.path("recipients").forEach(r -> recipients.add(r.asText()));
                out.printf("%s  %-8s %s  %-20s %-15s -> %s%s%s  %s%n", f.path("id").asText(), f.path("status").asText(), f.path("state").asText(),
                        f.path("reportType").asText(), plan.path("level").asText(), recipients.isEmpty() ? "secretariat only" : String.join(",", recipients),
                        plan.path("publicArea").asBoolean() ? " + public" : "", plan.path("needsReview").asBoolean() ? "  REVIEW: "
                        + plan.path("reviewReasons").toString() : "", f.path("fileName").asText()
                        + (f.path("title").asText().equals(f.path("fileName").asText()) ? "" : "  \"" + f.path("title").asText() + "\"")
                        + (f.hasNonNull("holdReason") ? "  (held: " + f.path("holdReason").asText() + ")" : "")
                        + (f.hasNonNull("firstApprover") ? "  (release approved by " + f.path("firstApprover").asText()
                                + "; a second person must release it)" : "")
                        + (f.hasNonNull("supersededBy") ? "  (superseded by " + f.path("supersededBy").asText() + ")" : ""));
            }
            return 0;
        }
    }

    @Command(name = "notifications", description = "E-mail notifications with one status (default: failed, those that failed for good"
            + " and need the secretariat), oldest first.")
    static final class Notifications extends Sub {
        @Option(names = "--status", description = "queued, sending, sent, failed or held (an invitation awaiting approval; default: failed).")
        String status = "failed";

        @Option(names = "--limit", description = "At most this many (1 to 1000, default 100).")
        int limit = 100;

        @Option(names = "--json", description = "JSON instead of a table.")
        boolean json;

        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            return client.call(AdminClient.request("notifications").put("status", status).put("limit", limit));
        }

        @Override
        int print(JsonNode result, PrintWriter out, PrintWriter err) throws IOException {
            if (json) {
                return super.print(result, out, err);
            }
            for (JsonNode n : result.path("notifications")) {
                out.printf("%-6s %-8s %-28s %-26s %-4s tries=%d  %s%s%n", n.path("id").asText(), n.path("status").asText(),
                        n.path("template").asText(), n.path("filingId").asText("-"), n.path("state").asText("-"), n.path("attempts").asInt(),
                        n.path("recipient").asText(), n.hasNonNull("lastError") ? "  (" + n.path("lastError").asText() + ")" : "");
            }
            out.printf("%d notification(s) %s%n", result.path("notifications").size(), status);
            return 0;
        }
    }

    @Command(name = "demo-totp", description = "Print a demo person's current portal login code (demo only: refused, exit 4, "
            + "when demo.enabled is false).")
    static final class DemoTotp extends Sub {
        @Parameters(paramLabel = "ACCOUNT")
        String account;

        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            return client.call(AdminClient.request("demo-totp").put("account", account));
        }

        @Override
        int print(JsonNode result, PrintWriter out, PrintWriter err) {
            out.println(result.path("code").asText());
            err.printf("(for %s; valid for %d more seconds, each code works once)%n", result.path("account").asText(),
                    result.path("validForSeconds").asLong());
            return 0;
        }
    }

    @Command(name = "release", description = "Release a pending or held filing: distribute it as its plan says. At a level "
            + "listed in release.fourEyes.levels the first release is an approval (status approved); a second, different "
            + "secretariat person's release distributes it.")
    static final class Release extends Sub {
        @Parameters(paramLabel = "FILING_ID")
        String id;

        @Option(names = "--superseded-by", paramLabel = "NEWEST_ID",
                description = "Confirms the release of a version that a newer one supersedes: the newest version's id.")
        String supersededBy;

        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            ObjectNode r = AdminClient.request("release").put("id", id);
            if (supersededBy != null) {
                r.put("supersededBy", supersededBy);
            }
            return client.call(r);
        }
    }

    @Command(name = "hold", description = "Hold a pending filing, with a reason.")
    static final class Hold extends Sub {
        @Parameters(paramLabel = "FILING_ID")
        String id;

        @Option(names = "--reason", required = true, description = "Why it is held (kept in the record and the audit log).")
        String reason;

        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            return client.call(AdminClient.request("hold").put("id", id).put("reason", reason));
        }
    }

    @Command(name = "withdraw", description = "Withdraw a filing at its State's request: no State sees it any more.")
    static final class Withdraw extends Sub {
        @Parameters(paramLabel = "FILING_ID")
        String id;

        @Option(names = "--reason", required = true, description = "Why (kept in the record and the audit log).")
        String reason;

        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            ObjectNode r = AdminClient.request("withdraw").put("id", id);
            if (reason != null) {
                r.put("reason", reason);
            }
            return client.call(r);
        }
    }

    @Command(name = "export-cycle", description = "Export a whole reporting cycle (decrypted) to a new folder, with an index "
            + "signed by the server (index.json, index.json.p7s).")
    static final class ExportCycle extends Sub {
        @Option(names = "--report-type", required = true, description = "e.g. annual-report")
        String reportType;

        @Option(names = "--period", required = true, description = "e.g. 2025")
        String period;

        @Option(names = {"-o", "--out"}, required = true, description = "Folder to create; it must not exist yet.")
        Path folder;

        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            if (Files.exists(folder)) {
                return new AdminClient.Answer(false, null, folder + " already exists", "conflict");
            }
            AdminClient.Answer a = client.call(AdminClient.request("cycle-index").put("reportType", reportType).put("period", period));
            if (!a.ok()) {
                return a;
            }
            byte[] index = java.util.Base64.getDecoder().decode(a.result().path("index").asText());
            Files.createDirectories(folder);
            Files.write(folder.resolve("index.json"), index);
            Files.write(folder.resolve("index.json.p7s"), java.util.Base64.getDecoder().decode(a.result().path("signature").asText()));
            for (JsonNode f : AdminProtocol.MAPPER.readTree(index).path("filings")) {
                Path target = folder.resolve(f.path("path").asText()).normalize();
                if (!target.startsWith(folder)) {
                    return new AdminClient.Answer(false, null, "refusing an index path outside the folder", "malformed");
                }
                Files.createDirectories(target.getParent());
                AdminClient.Answer doc = streamToNewFile(target, AdminClient.request("export").put("id", f.path("id").asText()), client);
                if (!doc.ok()) {
                    return doc;
                }
                if (!OfflineAuditCheck.sha256(target).equals(f.path("sha256").asText())) {
                    return new AdminClient.Answer(false, null, "exported " + target + " does not match its index entry", "tampered");
                }
            }
            return a;
        }

        @Override
        int print(JsonNode result, PrintWriter out, PrintWriter err) {
            out.printf("exported %s %s to %s (index.json signed in index.json.p7s)%n", reportType, period, folder);
            return 0;
        }
    }

    /** Prints a text answer as it is. */
    abstract static class TextSub extends Sub {
        @Override
        int print(JsonNode result, PrintWriter out, PrintWriter err) {
            out.print(result.path("text").asText());
            out.flush();
            return 0;
        }
    }

    @Command(name = "status", description = "Which States Parties have filed their annual report for a year: on time, late, missing.")
    static final class Status extends TextSub {
        @Option(names = "--year", required = true, description = "The reporting year, e.g. 2025.")
        int year;

        @Option(names = "--format", defaultValue = "table", description = "table, csv or json.")
        String format;

        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            return client.call(AdminClient.request("status").put("year", year).put("format", format));
        }
    }

    @Command(name = "contacts", description = "The current list of national points of contact (States Parties only).")
    static final class Contacts extends TextSub {
        @Option(names = "--json", description = "JSON instead of text.")
        boolean json;

        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            return client.call(AdminClient.request("contacts").put("format", json ? "json" : "text"));
        }

        @Override
        int print(JsonNode result, PrintWriter out, PrintWriter err) {
            if (json) {
                out.println(result.path("contacts").toPrettyString());
                out.flush();
                return 0;
            }
            return super.print(result, out, err);
        }
    }

    @Command(name = "instructions",
            description = "The confidentiality in force for filings that say no level: each State's own signed instruction, "
                    + "else the registry's, else the report type's default.")
    static final class Instructions extends Sub {
        @Option(names = "--state", description = "Only this State (ISO 3166 alpha-3 code).")
        String state;

        @Option(names = "--json", description = "JSON instead of a table.")
        boolean json;

        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            com.fasterxml.jackson.databind.node.ObjectNode request = AdminClient.request("instructions").put("format", json ? "json" : "table");
            if (state != null) {
                request.put("state", state);
            }
            return client.call(request);
        }

        @Override
        int print(JsonNode result, PrintWriter out, PrintWriter err) {
            out.print(json ? result.toPrettyString() + "\n" : result.path("text").asText());
            out.flush();
            return 0;
        }
    }

    @Command(name = "backup", description = "Take an online, consistent backup (database, encrypted documents, keystores) "
            + "into a new directory while the server runs. The keystore password is not in it: keep it separately.")
    static final class Backup extends Sub {
        @Option(names = {"-o", "--out"}, required = true, description = "Directory to create; it must not exist yet.")
        Path target;

        @Override
        AdminClient.Answer invoke(AdminClient client) throws IOException {
            return client.call(AdminClient.request("backup").put("target", target.toAbsolutePath().normalize().toString()));
        }

        @Override
        int print(JsonNode result, PrintWriter out, PrintWriter err) {
            out.printf("backup taken at %s: %d documents, %d key files, in %s%n", result.path("takenAt").asText(),
                    result.path("documents").asInt(), result.path("keyFiles").size(), result.path("directory").asText());
            return 0;
        }
    }

    @Command(name = "restore", description = "Restore a backup into a NEW data directory (no server needed; the server "
            + "must not run on it). Checks every document the records refer to and the audit chain before the directory appears.")
    static final class Restore implements Callable<Integer> {
        @ParentCommand
        AdminCli parent;

        @Option(names = "--from", required = true, description = "A directory written by the backup command.")
        Path from;

        @Option(names = "--to", description = "The new data directory (default: --home, else $EXCHANGE_HOME); it must not exist yet.")
        Path to;

        @Override
        public Integer call() {
            PrintWriter out = parent.spec.commandLine().getOut();
            PrintWriter err = parent.spec.commandLine().getErr();
            Path target = to != null ? to : parent.home;
            if (target == null) {
                String env = parent.env.get("EXCHANGE_HOME");
                if (env == null || env.isEmpty()) {
                    err.println("name the new data directory with --to (or --home)");
                    return 2;
                }
                target = Path.of(env);
            }
            try {
                Backups.Restored r = Backups.restore(from, target, Clock.systemUTC());
                out.printf("restored the backup taken at %s into %s: %d documents present, audit chain intact (%d events)%s%n",
                        r.backupTakenAt(), r.home(), r.documents(), r.auditEvents(),
                        r.orphansSkipped() == 0 ? "" : "; " + r.orphansSkipped() + " unrecorded document(s) left out");
                return 0;
            } catch (Backups.BackupException e) {
                err.println("refused: " + e.getMessage());
                return REFUSED;
            }
        }
    }

    @Command(name = "migrate-store", description = "Move a STOPPED server's embedded database (and, with --to-blobs, its documents) "
            + "into an empty PostgreSQL database (and object store), then check every row, document and the audit chain there. "
            + "The home is left as it was. The database user, password file and TLS settings, and the object store's endpoint, "
            + "region and credentials file come from the same EXCHANGE_* variables the server reads.")
    static final class MigrateStore implements Callable<Integer> {
        @ParentCommand
        AdminCli parent;

        @Option(names = "--to-database", required = true, description = "jdbc:postgresql://HOST[:PORT]/DATABASE of an empty database.")
        String database;

        @Option(names = "--to-blobs", description = "s3://BUCKET[/PREFIX] of an empty object store; without it the documents stay in the home.")
        String blobs;

        @Override
        public Integer call() {
            PrintWriter out = parent.spec.commandLine().getOut();
            PrintWriter err = parent.spec.commandLine().getErr();
            try {
                String problem = ServerConfigLoader.databaseUrlProblem(database);
                if (problem != null) {
                    err.println("--to-database: " + problem);
                    return BAD_INPUT;
                }
                if (blobs != null && (problem = ServerConfigLoader.objectStoreUrlProblem(blobs)) != null) {
                    err.println("--to-blobs: " + problem);
                    return BAD_INPUT;
                }
                var db = StorageEnvironment.database(
                        ServerConfig.Database.DEFAULTS, parent.env).withUrl(database);
                var os = StorageEnvironment.objectStore(
                        ServerConfig.ObjectStore.NONE, parent.env);
                os = os.withUrl(blobs == null ? "" : blobs);
                var home = ExchangeHome.open(parent.homeDirectory());
                StoreMigration.Migrated m = StoreMigration.run(home, db, os, parent.env, Clock.systemUTC());
                out.printf("moved %d rows in %d tables into %s; %d documents %s; audit chain intact (%d events)%n", m.totalRows(),
                        m.rows().size(), database, m.documents(), m.documentsMoved() ? "(into the object store " + blobs
                                + "); every document's SHA-256 matches" : "(left in the home's blobs/)", m.auditEvents());
                out.printf("next: start the server with EXCHANGE_DATABASE_URL=%s%s; the embedded database in %s is unchanged%n",
                        database, m.documentsMoved() ? " and EXCHANGE_BLOB_STORE=" + blobs : "", home.databaseDir());
                return 0;
            } catch (ConfigException | HomeException e) {
                err.println("refused: " + e.getMessage());
                return BAD_INPUT;
            } catch (StoreMigration.MigrationException e) {
                err.println("refused: " + e.getMessage());
                return REFUSED;
            }
        }
    }

}
