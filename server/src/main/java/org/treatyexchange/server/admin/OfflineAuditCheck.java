package org.treatyexchange.server.admin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.treatyexchange.sdk.wire.AuditAnchor;
import org.treatyexchange.sdk.wire.MessageReceiptJson;
import org.treatyexchange.sdk.wire.ReceiptJson;
import org.treatyexchange.sdk.wire.WireFormatException;
import org.treatyexchange.server.audit.AnchorCheck;
import org.treatyexchange.server.audit.AuditRowJson;
import org.treatyexchange.server.audit.AuditStatement;
import org.treatyexchange.server.crypto.ReceiptSigner;
import org.treatyexchange.server.crypto.SignatureCheckException;

/**
 * {@code verify-audit --file}: an auditor's offline check of an export against its signature and, with
 * {@code --anchors}, against receipts and checkpoints, with nothing but the receipt certificate. An
 * export without a valid signature is refused; an anchor whose signature does not verify is reported
 * and not believed.
 */
final class OfflineAuditCheck {

    private static final int MAX_ANCHOR_FILE = 1024 * 1024;

    private OfflineAuditCheck() {
    }

    /** Runs the check and prints the verdict; returns the exit code (0 verified, 1 not). */
    static int run(Path file, Path signatureFile, Path certificateFile, Path anchorsDir, PrintWriter out, PrintWriter err) {
        X509Certificate certificate;
        try (InputStream in = Files.newInputStream(certificateFile)) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            err.println("cannot read the receipt certificate " + certificateFile + " (give it with --certificate)");
            return AdminCli.REFUSED;
        }
        if (!Files.isRegularFile(signatureFile)) {
            out.printf("audit export UNSIGNED: %s has no signature %s; an unsigned export proves nothing%n", file, signatureFile);
            return AdminCli.REFUSED;
        }
        AuditStatement statement;
        byte[] signature;
        try {
            signature = Files.readAllBytes(signatureFile);
            statement = AuditStatement.fromBytes(ReceiptSigner.verify(signature, certificate));
            if (!statement.kind().equals(AuditStatement.EXPORT)) {
                throw new IOException("it signs a " + statement.kind() + ", not an export");
            }
        } catch (SignatureCheckException | IOException e) {
            out.printf("audit export UNSIGNED: %s is not the server's signature of an export: %s%n", signatureFile, e.getMessage());
            return AdminCli.REFUSED;
        }
        List<AnchorCheck.Anchor> anchors = new ArrayList<>();
        statement.anchor().ifPresent(a -> anchors.add(new AnchorCheck.Anchor("the export's signature (" + signatureFile.getFileName() + ")", a)));
        int ignored = 0;
        if (anchorsDir != null) {
            List<Path> files;
            try (Stream<Path> s = Files.walk(anchorsDir)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            } catch (IOException e) {
                err.println("cannot read the anchors in " + anchorsDir + ": " + e.getMessage());
                return AdminCli.REFUSED;
            }
            for (Path f : files) {
                Optional<AnchorCheck.Anchor> a = anchorOf(f, anchorsDir, certificate, out);
                if (a.isPresent()) {
                    anchors.add(a.get());
                } else {
                    ignored++;
                }
            }
        }
        boolean asSigned;
        try {
            asSigned = sha256(file).equals(statement.sha256());
        } catch (IOException e) {
            err.println("cannot read " + file + ": " + e.getMessage());
            return AdminCli.REFUSED;
        }
        AnchorCheck.Outcome o;
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            o = AnchorCheck.check(AuditRowJson.rows(reader), anchors, asSigned);
        } catch (IOException | UncheckedIOException e) {
            out.printf("audit export BROKEN: %s cannot be read as an audit export: %s%n", file, e.getMessage());
            return AdminCli.REFUSED;
        }
        if (o.ok()) {
            out.printf("audit export VERIFIED: %d events, signed head event %d; %d anchors agree%s%n", o.events(), statement.seq(),
                    o.agreed(), ignored == 0 ? "" : " (" + ignored + " files not used)");
            return 0;
        }
        out.printf("audit export %s%s: %s (%d events read)%n", o.verdict(), o.badSeq() == null ? "" : " at event " + o.badSeq(),
                o.problem(), o.events());
        return AdminCli.REFUSED;
    }

    /** The anchor a receipt, checkpoint or export signature carries, labelled; empty (and said why) when it has none. */
    private static Optional<AnchorCheck.Anchor> anchorOf(Path f, Path dir, X509Certificate certificate, PrintWriter out) {
        String name = dir.relativize(f).toString();
        try {
            if (Files.size(f) > MAX_ANCHOR_FILE) {
                out.printf("not used: %s (too large to be a receipt or checkpoint)%n", name);
                return Optional.empty();
            }
            byte[] cms = Files.readAllBytes(f);
            byte[] content = ReceiptSigner.verify(cms, certificate);
            Optional<AuditAnchor> anchor = ReceiptSigner.anchorOf(cms);
            if (anchor.isEmpty()) {
                out.printf("not used: %s (signed, but names no audit anchor)%n", name);
                return Optional.empty();
            }
            return Optional.of(new AnchorCheck.Anchor(describe(content) + " (" + name + ")", anchor.get()));
        } catch (SignatureCheckException e) {
            out.printf("not used: %s (not signed by the receipt certificate: %s)%n", name, e.getMessage());
            return Optional.empty();
        } catch (IOException e) {
            out.printf("not used: %s (%s)%n", name, e.getMessage());
            return Optional.empty();
        }
    }

    private static String describe(byte[] content) {
        try {
            return "the receipt of filing " + ReceiptJson.fromBytes(content).filingId();
        } catch (WireFormatException notFiling) {
            // another kind
        }
        try {
            return "the receipt of message " + MessageReceiptJson.fromBytes(content).messageId();
        } catch (WireFormatException notMessage) {
            // another kind
        }
        try {
            AuditStatement s = AuditStatement.fromBytes(content);
            return s.kind().equals(AuditStatement.CHECKPOINT) ? "the checkpoint of " + s.at() : "the signature of an export of " + s.at();
        } catch (IOException notStatement) {
            return "a signed document";
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException("SHA-256 is missing from this JVM", e);
        }
    }
}
