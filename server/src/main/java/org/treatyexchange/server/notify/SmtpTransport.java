package org.treatyexchange.server.notify;

import jakarta.activation.DataHandler;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.util.Date;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.store.NotificationRecords.Mail;

/**
 * Sends one mail over SMTP with Jakarta Mail (Eclipse Angus): STARTTLS that must succeed, or TLS from the start, with
 * the server's host name checked; authenticated when credentials are configured. One connection per mail: mails are
 * few, and a fresh connection retries cleanly after the server was down.
 */
final class SmtpTransport {

    /** Why a mail was not sent; {@code permanent} when another try cannot help (an address the server refuses). */
    static final class SendFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean permanent;

        SendFailure(String message, boolean permanent, Throwable cause) {
            super(message, cause);
            this.permanent = permanent;
        }

        boolean permanent() {
            return permanent;
        }
    }

    /** The SMTP user and password, read from the credentials file at start-up. */
    record Credentials(String user, char[] password) {
    }

    private final ServerConfig.Smtp smtp;
    private final Credentials credentials;
    private final Session session;
    private final Clock clock;

    SmtpTransport(ServerConfig.Smtp smtp, Credentials credentials, Clock clock) throws IOException, GeneralSecurityException {
        this.smtp = smtp;
        this.credentials = credentials;
        this.clock = clock;
        this.session = Session.getInstance(properties(smtp, credentials != null));
    }

    private static Properties properties(ServerConfig.Smtp smtp, boolean auth) throws IOException, GeneralSecurityException {
        String p = smtp.security() == ServerConfig.SmtpSecurity.TLS ? "mail.smtps." : "mail.smtp.";
        String millis = Long.toString(smtp.timeout().toMillis());
        Properties props = new Properties();
        props.put(p + "host", smtp.host());
        props.put(p + "port", Integer.toString(smtp.port()));
        props.put(p + "from", smtp.sender());
        props.put(p + "connectiontimeout", millis);
        props.put(p + "timeout", millis);
        props.put(p + "writetimeout", millis);
        props.put(p + "auth", Boolean.toString(auth));
        if (smtp.security() != ServerConfig.SmtpSecurity.NONE) {
            if (smtp.security() == ServerConfig.SmtpSecurity.STARTTLS) {
                props.put(p + "starttls.enable", "true");
                props.put(p + "starttls.required", "true"); // no silent fall-back to plain text
            } else {
                props.put(p + "ssl.enable", "true");
            }
            props.put(p + "ssl.checkserveridentity", "true");
            props.put(p + "ssl.protocols", "TLSv1.3 TLSv1.2");
            if (smtp.trustCertificate().isPresent()) {
                props.put(p + "ssl.socketFactory", trusting(smtp.trustCertificate().get()).getSocketFactory());
            }
        }
        return props;
    }

    /** A TLS context that trusts the one configured certificate (a private relay or its CA), not the JDK's list. */
    private static SSLContext trusting(Path pem) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("smtp-" + i++, c);
            }
            if (i == 0) {
                throw new GeneralSecurityException("notifications.smtp.trustCertificate holds no certificate");
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** Sends the mail, with the receipt attached when given. */
    void send(Mail mail, byte[] receipt) throws SendFailure {
        InternetAddress to;
        try {
            to = new InternetAddress(mail.recipient(), true);
            if (to.isGroup()) {
                throw new AddressException("a group is not one recipient");
            }
        } catch (AddressException e) {
            throw new SendFailure("the recipient address is not valid", true, e);
        }
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(smtp.sender(), true));
            message.setRecipient(MimeMessage.RecipientType.TO, to);
            message.setSubject(mail.subject(), "UTF-8");
            message.setSentDate(Date.from(clock.instant()));
            message.setHeader("Auto-Submitted", "auto-generated"); // RFC 3834: no auto-replies
            if (receipt == null) {
                message.setText(mail.body(), "UTF-8");
            } else {
                MimeBodyPart text = new MimeBodyPart();
                text.setText(mail.body(), "UTF-8");
                MimeBodyPart attachment = new MimeBodyPart();
                attachment.setDataHandler(new DataHandler(new ByteArrayDataSource(receipt, "application/pkcs7-signature")));
                attachment.setFileName(mail.filingId() + ".p7s");
                attachment.setDisposition(MimeBodyPart.ATTACHMENT);
                MimeMultipart parts = new MimeMultipart();
                parts.addBodyPart(text);
                parts.addBodyPart(attachment);
                message.setContent(parts);
            }
            message.saveChanges();
            try (Transport transport = session.getTransport(smtp.security() == ServerConfig.SmtpSecurity.TLS ? "smtps" : "smtp")) {
                if (credentials != null) {
                    transport.connect(smtp.host(), smtp.port(), credentials.user(), new String(credentials.password()));
                } else {
                    transport.connect();
                }
                transport.sendMessage(message, new Address[] {to});
            }
        } catch (SendFailedException e) {
            // the server refused the recipient (a 5xx on RCPT): the same address will be refused again
            boolean refused = e.getInvalidAddresses() != null && e.getInvalidAddresses().length > 0;
            throw new SendFailure("the SMTP server refused the mail: " + oneLine(e.getMessage()), refused, e);
        } catch (MessagingException e) {
            throw new SendFailure("the SMTP server could not be reached or failed: " + oneLine(e.getMessage()), false, e);
        }
    }

    /** An error for the outbox row and the log: one line, no password (Jakarta Mail does not put it in messages). */
    private static String oneLine(String message) {
        return message == null ? "-" : MailTemplates.clean(message);
    }
}
