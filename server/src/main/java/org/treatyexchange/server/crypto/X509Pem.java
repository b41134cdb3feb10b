package org.treatyexchange.server.crypto;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * PEM in and out for certificates and PKCS#8 keys, and certificate fingerprints. Parsing is strict
 * and bounded because registry files and uploads are untrusted text: only whitespace outside
 * {@code CERTIFICATE} blocks, strict base64, one DER certificate per block with nothing after it.
 */
final class X509Pem {

    /** Largest PEM text parsed, in characters: a chain of a few certificates fits many times over. */
    static final int MAX_PEM_CHARS = 64 * 1024;
    /** Largest single DER certificate accepted. */
    static final int MAX_CERTIFICATE_BYTES = 16 * 1024;
    /** Most certificates in one PEM text. */
    static final int MAX_CERTIFICATES = 8;

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    private X509Pem() {
    }

    /** Lower-case hex SHA-256 of the DER encoding. */
    static String fingerprint(X509Certificate certificate) {
        Objects.requireNonNull(certificate, "certificate");
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint certificate: " + e.getClass().getSimpleName(), e);
        }
    }

    static List<X509Certificate> readCertificates(String pem) throws CertificateException {
        if (pem == null || pem.isBlank()) {
            throw new CertificateException("no PEM text; expected one or more -----BEGIN CERTIFICATE----- blocks");
        }
        if (pem.length() > MAX_PEM_CHARS) {
            throw new CertificateException("PEM text is longer than " + MAX_PEM_CHARS + " characters");
        }
        List<X509Certificate> out = new ArrayList<>();
        StringBuilder body = null;
        int lineNo = 0;
        for (String raw : pem.split("\n", -1)) {
            lineNo++;
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            line = line.strip();
            if (body == null) {
                if (line.isEmpty()) {
                    continue;
                }
                if (!line.startsWith(BEGIN)) {
                    throw new CertificateException("line " + lineNo + ": text outside a PEM block");
                }
                String label = label(line, BEGIN, lineNo);
                if (!"CERTIFICATE".equals(label)) {
                    // Never echo the rest: it may be a private key someone pasted by mistake.
                    throw new CertificateException("line " + lineNo + ": a " + printable(label)
                            + " block where only CERTIFICATE blocks are allowed");
                }
                if (out.size() == MAX_CERTIFICATES) {
                    throw new CertificateException("more than " + MAX_CERTIFICATES + " certificates");
                }
                body = new StringBuilder();
            } else if (line.startsWith(END)) {
                if (!"CERTIFICATE".equals(label(line, END, lineNo))) {
                    throw new CertificateException("line " + lineNo + ": END line does not match BEGIN CERTIFICATE");
                }
                out.add(decode(body.toString(), out.size() + 1));
                body = null;
            } else if (line.startsWith(DASHES)) {
                throw new CertificateException("line " + lineNo + ": unexpected PEM boundary inside a CERTIFICATE block");
            } else {
                if (line.indexOf(':') >= 0) {
                    throw new CertificateException("line " + lineNo + ": PEM headers are not allowed");
                }
                body.append(line);
            }
        }
        if (body != null) {
            throw new CertificateException("CERTIFICATE block " + (out.size() + 1) + " has no END line");
        }
        if (out.isEmpty()) {
            throw new CertificateException("no CERTIFICATE block");
        }
        return List.copyOf(out);
    }

    private static String label(String line, String prefix, int lineNo) throws CertificateException {
        if (!line.endsWith(DASHES) || line.length() < prefix.length() + DASHES.length()) {
            throw new CertificateException("line " + lineNo + ": malformed PEM boundary");
        }
        return line.substring(prefix.length(), line.length() - DASHES.length());
    }

    private static X509Certificate decode(String base64, int index) throws CertificateException {
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new CertificateException("CERTIFICATE block " + index + " is not valid base64");
        }
        if (der.length == 0) {
            throw new CertificateException("CERTIFICATE block " + index + " is empty");
        }
        if (der.length > MAX_CERTIFICATE_BYTES) {
            throw new CertificateException("CERTIFICATE block " + index + " is larger than " + MAX_CERTIFICATE_BYTES
                    + " bytes");
        }
        X509Certificate certificate;
        try {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new CertificateException("CERTIFICATE block " + index + " is not an X.509 certificate");
        }
        if (!Arrays.equals(certificate.getEncoded(), der)) {
            // Trailing bytes or a non-DER encoding: the fingerprint would not identify what was written.
            throw new CertificateException("CERTIFICATE block " + index + " is not exactly one DER certificate");
        }
        return certificate;
    }

    static byte[] certificatesPem(List<X509Certificate> certificates) {
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : certificates) {
            try {
                block(sb, "CERTIFICATE", c.getEncoded());
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("cannot encode certificate", e);
            }
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), which openssl and curl read directly. */
    static byte[] privateKeyPem(PrivateKey key) {
        if (!"PKCS#8".equals(key.getFormat()) || key.getEncoded() == null) {
            throw new IllegalArgumentException("private key has no PKCS#8 encoding");
        }
        StringBuilder sb = new StringBuilder();
        byte[] encoded = key.getEncoded();
        block(sb, "PRIVATE KEY", encoded);
        Arrays.fill(encoded, (byte) 0);
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void block(StringBuilder sb, String label, byte[] der) {
        sb.append(BEGIN).append(label).append(DASHES).append('\n');
        sb.append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)).append('\n');
        sb.append(END).append(label).append(DASHES).append('\n');
    }

    private static String printable(String label) {
        String cut = label.length() > 40 ? label.substring(0, 40) + "..." : label;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
