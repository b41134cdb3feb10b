package org.treatyexchange.server.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.crypto.SshKeyFiles;
import org.treatyexchange.server.registry.Account;
import org.treatyexchange.server.store.DelegationRecords.Change;

/**
 * The rules of delegated administration, through the application layer of a real server (port 0, a copy of the demo
 * registry): a State administrator acts on its own State's accounts only, never on another State's, the secretariat's,
 * another administrator's or its own role; the policy holds new accounts and certificates for the secretariat's approval
 * while withdrawals apply at once; a refused key or certificate changes nothing; the secretariat approves, refuses and undoes.
 */
class DelegatedAdministrationTest {

    static Path registryFile;

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass(c -> {
        try {
            Path dir = Files.createTempDirectory("delegation-registry-");
            registryFile = TestExchange.copyShippedRegistry(dir.resolve("registry.yaml"));
            return TestExchange.withRegistry(c, registryFile);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    });

    @TempDir
    static Path tmp;

    static DelegatedAdministration desk;

    @BeforeAll
    static void appointAdministrators() throws Exception {
        desk = exchange.server().delegatedAdministration();
        desk.grantStateAdministrator(Caller.operator(), "arcadia-officer");
        desk.grantStateAdministrator(secretariatAdmin(), "borealia-officer");
        assertThat(account("arcadia-officer").role()).isEqualTo(Account.Role.STATE_ADMIN);
    }

    static Account account(String name) {
        return exchange.server().registry().current().account(name).orElseThrow();
    }

    static Caller as(String account) {
        return Callers.of(account(account), Caller.Channel.PORTAL, "password+totp", "127.0.0.1");
    }

    static Caller secretariatAdmin() {
        return new Caller("secretariat-admin", null, Caller.Role.SECRETARIAT_ADMIN, Caller.Channel.PORTAL, "password+totp", "127.0.0.1");
    }

    static Caller secretariatOfficer() {
        return new Caller("secretariat", null, Caller.Role.SECRETARIAT, Caller.Channel.PORTAL, "password+totp", "127.0.0.1");
    }

    static int keys;

    static String sshKeyLine(String algorithm, int bits, String comment) throws Exception {
        if (algorithm.equals("Ed25519")) {
            return SshKeyFiles.authorizedKeyLine(SshKeyFiles.generateEd25519(tmp.resolve("key-" + ++keys), comment), comment);
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        if (bits > 0) {
            g.initialize(bits);
        }
        return SshKeyFiles.authorizedKeyLine(g.generateKeyPair().getPublic(), comment);
    }

    /** A client key and certificate made by openssl: {key, certificate}; {@code extra} adds options (validity, CA). */
    static Path[] opensslCertificate(String name, String... extra) throws Exception {
        Path key = tmp.resolve(name + ".key.pem");
        Path cert = tmp.resolve(name + ".cert.pem");
        List<String> cmd = new ArrayList<>(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-subj", "/CN=" + name));
        cmd.addAll(List.of(extra));
        Processes.Result r = Processes.run(tmp, cmd);
        assertThat(r.exitCode()).as(r.output()).isZero();
        return new Path[] {key, cert};
    }

    /** A self-signed P-256 end-entity certificate valid from {@code notBefore} to {@code notAfter}, as PEM (Bouncy Castle). */
    static String selfSigned(Instant notBefore, Instant notAfter) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.security.KeyPair pair = g.generateKeyPair();
        org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name("CN=dated");
        org.bouncycastle.cert.X509CertificateHolder holder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name,
                java.math.BigInteger.valueOf(System.nanoTime()), java.util.Date.from(notBefore), java.util.Date.from(notAfter), name,
                pair.getPublic()).build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
        return "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(holder.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    static void assertRefused(Refusal.Reason reason, ThrowingCall call) {
        assertThatThrownBy(call::run).isInstanceOf(Refusal.class).extracting(e -> ((Refusal) e).reason()).isEqualTo(reason);
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void everyCrossStateAttemptIsRefusedAndChangesNothing() throws Exception {
        Caller arcadia = as("arcadia-officer");
        String before = Files.readString(registryFile);
        String key = sshKeyLine("Ed25519", 0, "cross@state");
        String pem = Files.readString(opensslCertificate("cross-state", "-days", "30")[1]);
        String borealiaCertificate = account("borealia-system").certificates().get(0).fingerprint();
        String borealiaKey = account("borealia-system").sshKeys().get(0).fingerprint();
        for (String other : List.of("borealia-system", "borealia-officer", "secretariat", "secretariat-admin", "no-such-account",
                "../borealia-system", "BOREALIA-SYSTEM")) {
            assertRefused(Refusal.Reason.NOT_FOUND, () -> desk.suspend(arcadia, other));
            assertRefused(Refusal.Reason.NOT_FOUND, () -> desk.remove(arcadia, other));
            assertRefused(Refusal.Reason.NOT_FOUND, () -> desk.registerSshKey(arcadia, other, key));
            assertRefused(Refusal.Reason.NOT_FOUND, () -> desk.registerCertificate(arcadia, other, pem));
            assertRefused(Refusal.Reason.NOT_FOUND, () -> desk.revokeCertificate(arcadia, other, borealiaCertificate));
            assertRefused(Refusal.Reason.NOT_FOUND, () -> desk.removeSshKey(arcadia, other, borealiaKey));
            assertRefused(Refusal.Reason.NOT_FOUND, () -> desk.reinstate(arcadia, other));
        }
        // another State's certificate or key named on one's own account is not one's own
        assertRefused(Refusal.Reason.NOT_FOUND, () -> desk.revokeCertificate(arcadia, "arcadia-system", borealiaCertificate));
        assertRefused(Refusal.Reason.NOT_FOUND, () -> desk.removeSshKey(arcadia, "arcadia-system", borealiaKey));
        assertThat(Files.readString(registryFile)).isEqualTo(before);
        assertThat(account("borealia-system").disabled()).isFalse();
        // its history is its own State's only
        assertThat(desk.stateHistory(arcadia)).allMatch(c -> c.stateCode().equals("ARC"));
    }

    @Test
    void onlyAStateAdministratorActsAndNeverOnTheSecretariatsDecisions() throws Exception {
        for (Caller notAdmin : List.of(as("arcadia-system"), as("sylvania-officer"), secretariatAdmin(), Caller.operator())) {
            assertRefused(Refusal.Reason.FORBIDDEN, () -> desk.suspend(notAdmin, "arcadia-system"));
            assertRefused(Refusal.Reason.FORBIDDEN, () -> desk.invite(notAdmin, "someone"));
            assertRefused(Refusal.Reason.FORBIDDEN, () -> desk.addSystemAccount(notAdmin, "some-system"));
            assertRefused(Refusal.Reason.FORBIDDEN, () -> desk.reinstate(notAdmin, "arcadia-system"));
            assertRefused(Refusal.Reason.FORBIDDEN, () -> desk.accounts(notAdmin));
        }
        Caller arcadia = as("arcadia-officer");
        Change pending = desk.invite(arcadia, "arcadia-pending").change();
        // a State administrator (or a secretariat officer who is not an administrator) cannot approve, refuse, undo or grant
        for (Caller notSecretariatAdmin : List.of(arcadia, as("borealia-officer"), secretariatOfficer())) {
            assertRefused(Refusal.Reason.FORBIDDEN, () -> desk.approve(notSecretariatAdmin, pending.id()));
            assertRefused(Refusal.Reason.FORBIDDEN, () -> desk.refuse(notSecretariatAdmin, pending.id(), "no"));
            assertRefused(Refusal.Reason.FORBIDDEN, () -> desk.undo(notSecretariatAdmin, pending.id()));
            assertRefused(Refusal.Reason.FORBIDDEN, () -> desk.grantStateAdministrator(notSecretariatAdmin, "arcadia-system"));
            assertRefused(Refusal.Reason.FORBIDDEN, () -> desk.suspendStateAdministrator(notSecretariatAdmin, "borealia-officer"));
        }
        assertThat(desk.pending(secretariatOfficer())).extracting(Change::id).contains(pending.id()); // officers may read the queue
        desk.refuse(secretariatAdmin(), pending.id(), "not known to us");
        assertThat(exchange.server().registry().current().account("arcadia-pending")).isEmpty();
    }

    @Test
    void aStateAdministratorNeverChangesAnotherAdministratorOrItsOwnRoleAndTheLastCannotLeave() throws Exception {
        Caller arcadia = as("arcadia-officer");
        assertRefused(Refusal.Reason.CONFLICT, () -> desk.suspend(arcadia, "arcadia-officer"));
        assertRefused(Refusal.Reason.CONFLICT, () -> desk.remove(arcadia, "arcadia-officer"));
        assertThat(account("arcadia-officer").disabled()).isFalse();

        // a second Arcadian administrator, appointed by the secretariat: neither may touch the other
        Change invite = desk.invite(arcadia, "arcadia-deputy").change();
        desk.approve(secretariatAdmin(), invite.id());
        exchange.server().registry().enrol("arcadia-deputy", org.treatyexchange.server.crypto.PasswordHash.create("deputy-password-1".toCharArray()));
        desk.grantStateAdministrator(secretariatAdmin(), "arcadia-deputy");
        Caller deputy = as("arcadia-deputy");
        assertRefused(Refusal.Reason.FORBIDDEN, () -> desk.suspend(deputy, "arcadia-officer"));
        assertRefused(Refusal.Reason.FORBIDDEN, () -> desk.remove(arcadia, "arcadia-deputy"));
        assertRefused(Refusal.Reason.FORBIDDEN, () -> desk.registerSshKey(arcadia, "arcadia-deputy", sshKeyLine("Ed25519", 0, "x")));
        assertRefused(Refusal.Reason.FORBIDDEN, () -> desk.reinstate(arcadia, "arcadia-officer")); // never itself
        // with another administrator left, one may step down; then the other is the last
        desk.suspend(deputy, "arcadia-deputy");
        assertThat(account("arcadia-deputy").disabled()).isTrue();
        assertRefused(Refusal.Reason.FORBIDDEN, () -> desk.accounts(deputy)); // suspended: acts no more, whatever its session says
        assertRefused(Refusal.Reason.CONFLICT, () -> desk.suspend(arcadia, "arcadia-officer"));
        // nor reinstate another administrator (the secretariat does, by undoing the suspension)
        assertRefused(Refusal.Reason.FORBIDDEN, () -> desk.reinstate(arcadia, "arcadia-deputy"));
        assertThat(account("arcadia-deputy").disabled()).isTrue();
        // the secretariat can suspend and demote a State administrator
        desk.withdrawStateAdministrator(secretariatAdmin(), "arcadia-deputy");
        assertThat(account("arcadia-deputy").role()).isEqualTo(Account.Role.STATE_OFFICER);
    }

    @Test
    void anInvitationWaitsForApprovalThenEnrolsOnceWithAPassword() throws Exception {
        Caller arcadia = as("arcadia-officer");
        DelegatedAdministration.Outcome invited = desk.invite(arcadia, "arcadia-clerk");
        assertThat(invited.change().status()).isEqualTo("pending");
        assertThat(invited.enrolmentToken()).hasSize(43);
        assertThat(exchange.server().registry().current().account("arcadia-clerk")).isEmpty();
        assertThat(desk.invitationStatus(invited.enrolmentToken())).contains("awaiting-approval");
        assertRefused(Refusal.Reason.CONFLICT, () -> desk.enrol(invited.enrolmentToken(), "a-long-password-1".toCharArray(), "127.0.0.1"));
        assertRefused(Refusal.Reason.CONFLICT, () -> desk.invite(as("arcadia-officer"), "arcadia-clerk")); // the name is held

        Change approved = desk.approve(secretariatAdmin(), invited.change().id());
        assertThat(approved.status()).isEqualTo("applied");
        assertThat(approved.decidedBy()).isEqualTo("secretariat-admin");
        assertThat(account("arcadia-clerk").disabled()).isTrue();
        assertThat(account("arcadia-clerk").role()).isEqualTo(Account.Role.STATE_OFFICER);
        assertThat(account("arcadia-clerk").stateCode()).isEqualTo("ARC");
        assertRefused(Refusal.Reason.MALFORMED, () -> desk.enrol(invited.enrolmentToken(), "short".toCharArray(), "127.0.0.1"));

        assertThat(desk.enrol(invited.enrolmentToken(), "a-long-password-1".toCharArray(), "127.0.0.1")).isEqualTo("arcadia-clerk");
        assertThat(account("arcadia-clerk").disabled()).isFalse();
        assertThat(account("arcadia-clerk").passwordHash().matches("a-long-password-1".toCharArray())).isTrue();
        assertRefused(Refusal.Reason.NOT_FOUND, () -> desk.enrol(invited.enrolmentToken(), "another-password-2".toCharArray(), "127.0.0.1"));
        assertThat(desk.invitationStatus(invited.enrolmentToken())).isEmpty();
        // the store keeps only a hash of the token
        assertThat(Files.readString(registryFile)).doesNotContain(invited.enrolmentToken());
        assertThat(desk.accounts(arcadia)).anySatisfy(a -> assertThat(a.name()).isEqualTo("arcadia-clerk"));
        assertThat(desk.accounts(arcadia)).allSatisfy(a -> assertThat(account(a.name()).stateCode()).isEqualTo("ARC"));
        // and the history of both sides shows who asked and who approved
        assertThat(desk.stateHistory(arcadia)).anySatisfy(c -> {
            assertThat(c.id()).isEqualTo(invited.change().id());
            assertThat(c.requestedBy()).isEqualTo("arcadia-officer");
            assertThat(c.decidedBy()).isEqualTo("secretariat-admin");
        });
        assertThat(desk.history(secretariatAdmin())).extracting(Change::id).contains(invited.change().id());
        assertThat(desk.stateHistory(as("borealia-officer"))).extracting(Change::id).doesNotContain(invited.change().id());
    }

    @Test
    void anExpiredOrForgedLinkEnrolsNobody() throws Exception {
        assertRefused(Refusal.Reason.NOT_FOUND, () -> desk.enrol("A".repeat(43), "a-long-password-1".toCharArray(), "127.0.0.1"));
        assertRefused(Refusal.Reason.NOT_FOUND, () -> desk.enrol("../../etc", "a-long-password-1".toCharArray(), "127.0.0.1"));
        DelegatedAdministration.Outcome invited = desk.invite(as("borealia-officer"), "borealia-refused");
        desk.refuse(secretariatAdmin(), invited.change().id(), "unknown person");
        assertRefused(Refusal.Reason.NOT_FOUND, () -> desk.enrol(invited.enrolmentToken(), "a-long-password-1".toCharArray(), "127.0.0.1"));
        assertThat(exchange.server().registry().current().account("borealia-refused")).isEmpty();
    }

    @Test
    void aWeakExpiredAuthorityOrAlreadyRegisteredCredentialIsRefusedAndChangesNothing() throws Exception {
        Caller arcadia = as("arcadia-officer");
        String before = Files.readString(registryFile);
        int history = desk.stateHistory(arcadia).size();
        assertRefused(Refusal.Reason.MALFORMED, () -> desk.registerSshKey(arcadia, "arcadia-system", sshKeyLine("RSA", 1024, "weak")));
        assertRefused(Refusal.Reason.MALFORMED, () -> desk.registerSshKey(arcadia, "arcadia-system", "ssh-ed25519 notbase64 x"));
        assertRefused(Refusal.Reason.MALFORMED, () -> desk.registerSshKey(arcadia, "arcadia-system", "ssh-ed25519 AAAA\nssh-rsa AAAA"));
        // a key already registered to another account (Borealia's demo key)
        String borealiaKey = SshKeyFiles.authorizedKeyLine(account("borealia-system").sshKeys().get(0).key(), "taken");
        assertRefused(Refusal.Reason.MALFORMED, () -> desk.registerSshKey(arcadia, "arcadia-system", borealiaKey));
        // a certificate already registered (Borealia's), one not yet valid, one that is an authority's, a private key pasted
        String borealiaPem = Files.readString(exchange.home().resolve("demo/borealia-system-api.cert.pem"));
        assertRefused(Refusal.Reason.MALFORMED, () -> desk.registerCertificate(arcadia, "arcadia-system", borealiaPem));
        String future = selfSigned(Instant.now().plus(java.time.Duration.ofDays(30)), Instant.now().plus(java.time.Duration.ofDays(60)));
        assertRefused(Refusal.Reason.MALFORMED, () -> desk.registerCertificate(arcadia, "arcadia-system", future));
        String expired = selfSigned(Instant.now().minus(java.time.Duration.ofDays(60)), Instant.now().minus(java.time.Duration.ofDays(1)));
        assertRefused(Refusal.Reason.MALFORMED, () -> desk.registerCertificate(arcadia, "arcadia-system", expired));
        Path[] authority = opensslCertificate("authority", "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE");
        assertRefused(Refusal.Reason.MALFORMED, () -> desk.registerCertificate(arcadia, "arcadia-system", Files.readString(authority[1])));
        assertRefused(Refusal.Reason.MALFORMED, () -> desk.registerCertificate(arcadia, "arcadia-system", Files.readString(authority[0])));
        Path rsaKey = tmp.resolve("rsa1024.key.pem");
        Path rsaCert = tmp.resolve("rsa1024.cert.pem");
        Processes.Result weak = Processes.run(tmp, List.of("openssl", "req", "-x509", "-newkey", "rsa:1024", "-nodes", "-keyout",
                rsaKey.toString(), "-out", rsaCert.toString(), "-days", "30", "-subj", "/CN=weak"));
        assertThat(weak.exitCode()).as(weak.output()).isZero();
        assertRefused(Refusal.Reason.MALFORMED, () -> desk.registerCertificate(arcadia, "arcadia-system", Files.readString(rsaCert)));
        assertThat(Files.readString(registryFile)).isEqualTo(before);
        assertThat(desk.stateHistory(arcadia)).hasSize(history);
    }

    @Test
    void aCertificateRequestIsSignedWithTheStateInTheSubjectWhateverItAsked() throws Exception {
        Path key = tmp.resolve("csr.key.pem");
        Path csr = tmp.resolve("csr.pem");
        Processes.Result r = Processes.run(tmp, List.of("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/O=BOR/CN=borealia-system"));
        assertThat(r.exitCode()).as(r.output()).isZero();
        DelegatedAdministration.Outcome signed = desk.signCertificateRequest(as("arcadia-officer"), "arcadia-system", Files.readString(csr));
        assertThat(signed.change().status()).isEqualTo("pending"); // a new certificate waits for the secretariat by default
        java.security.cert.X509Certificate issued = org.treatyexchange.server.crypto.LocalCertificateAuthority
                .readPemCertificates(signed.issuedCertificatePem()).get(0);
        assertThat(issued.getSubjectX500Principal().getName()).isEqualTo("CN=arcadia-system,O=ARC");
        assertThat(issued.getNotAfter().toInstant()).isAfter(Instant.now().plus(java.time.Duration.ofDays(300)));
        desk.refuse(secretariatAdmin(), signed.change().id(), "test");
        // a request whose signature does not verify is refused
        String tampered = Files.readString(csr).replaceFirst("(?m)^(.{20})(.)", "$1" + "A");
        assertRefused(Refusal.Reason.MALFORMED, () -> desk.signCertificateRequest(as("arcadia-officer"), "arcadia-system", tampered));
    }

    @Test
    void withdrawalsApplyAtOnceAndTheSecretariatCanUndoThem() throws Exception {
        Caller borealia = as("borealia-officer");
        Change suspended = desk.suspend(borealia, "borealia-system").change();
        assertThat(suspended.status()).isEqualTo("applied");
        assertThat(account("borealia-system").disabled()).isTrue();
        Change undone = desk.undo(secretariatAdmin(), suspended.id());
        assertThat(undone.status()).isEqualTo("undone");
        assertThat(undone.undoneBy()).isEqualTo("secretariat-admin");
        assertThat(account("borealia-system").disabled()).isFalse();
        assertRefused(Refusal.Reason.CONFLICT, () -> desk.undo(secretariatAdmin(), suspended.id())); // once

        String fingerprint = account("borealia-system").certificates().get(0).fingerprint();
        Change revoked = desk.revokeCertificate(borealia, "borealia-system", fingerprint).change();
        assertThat(revoked.status()).isEqualTo("applied");
        assertThat(account("borealia-system").hasActiveCertificate(fingerprint)).isFalse();
        desk.undo(secretariatAdmin(), revoked.id());
        assertThat(account("borealia-system").hasActiveCertificate(fingerprint)).isTrue();

        String block = exchange.server().registry().accountBlock("borealia-system");
        Change removed = desk.remove(borealia, "borealia-system").change();
        assertThat(exchange.server().registry().current().account("borealia-system")).isEmpty();
        desk.undo(secretariatAdmin(), removed.id());
        assertThat(account("borealia-system").hasActiveCertificate(fingerprint)).isTrue();
        assertThat(exchange.server().registry().accountBlock("borealia-system")).isEqualTo(block);
    }

    @Test
    void aSystemAccountWaitsForApprovalIsOfTheAdministratorsStateAndItsFirstKeyEnablesIt() throws Exception {
        Caller arcadia = as("arcadia-officer");
        DelegatedAdministration.Outcome added = desk.addSystemAccount(arcadia, "arcadia-telemetry");
        assertThat(added.change().status()).isEqualTo("pending"); // a new account waits for the secretariat by default
        assertThat(added.change().action()).isEqualTo("add-system-account");
        assertThat(added.enrolmentToken()).isNull(); // a system has no enrolment link
        assertThat(exchange.server().registry().current().account("arcadia-telemetry")).isEmpty();
        // the name is held while it waits, for a person as for a system
        assertRefused(Refusal.Reason.CONFLICT, () -> desk.addSystemAccount(arcadia, "arcadia-telemetry"));
        assertRefused(Refusal.Reason.CONFLICT, () -> desk.invite(arcadia, "arcadia-telemetry"));
        assertThat(desk.pending(secretariatOfficer())).extracting(Change::id).contains(added.change().id());

        Change approved = desk.approve(secretariatAdmin(), added.change().id());
        assertThat(approved.status()).isEqualTo("applied");
        Account system = account("arcadia-telemetry");
        assertThat(system.role()).isEqualTo(Account.Role.STATE_SYSTEM);
        assertThat(system.stateCode()).isEqualTo("ARC");
        assertThat(system.passwordHash()).isNull();
        assertThat(system.disabled()).isTrue(); // nothing to log in with yet
        assertThat(desk.accounts(arcadia)).anySatisfy(a -> {
            assertThat(a.name()).isEqualTo("arcadia-telemetry");
            assertThat(a.role()).isEqualTo("state-system");
            assertThat(a.awaitingEnrolment()).isTrue();
        });

        // its first key (applied at once by default) enables it in the same registry change
        String key = sshKeyLine("Ed25519", 0, "telemetry@arcadia");
        assertThat(desk.registerSshKey(arcadia, "arcadia-telemetry", key).change().status()).isEqualTo("applied");
        assertThat(account("arcadia-telemetry").disabled()).isFalse();
        assertThat(account("arcadia-telemetry").sshKeys()).hasSize(1);

        // both histories show who asked and who approved; another State's does not
        assertThat(desk.stateHistory(arcadia)).anySatisfy(c -> {
            assertThat(c.id()).isEqualTo(added.change().id());
            assertThat(c.requestedBy()).isEqualTo("arcadia-officer");
            assertThat(c.decidedBy()).isEqualTo("secretariat-admin");
        });
        assertThat(desk.history(secretariatAdmin())).extracting(Change::id).contains(added.change().id());
        assertThat(desk.stateHistory(as("borealia-officer"))).extracting(Change::id).doesNotContain(added.change().id());

        // the secretariat can undo the addition: the account is gone, keys and all
        assertThat(desk.undo(secretariatAdmin(), added.change().id()).status()).isEqualTo("undone");
        assertThat(exchange.server().registry().current().account("arcadia-telemetry")).isEmpty();
    }

    @Test
    void aRefusedSystemAccountChangesNothing() throws Exception {
        Caller arcadia = as("arcadia-officer");
        String before = Files.readString(registryFile);
        int history = desk.stateHistory(arcadia).size();
        for (String bad : List.of("", "Arcadia-system", "1system", "../borealia", "a".repeat(33), "sys tem", "système")) {
            assertRefused(Refusal.Reason.MALFORMED, () -> desk.addSystemAccount(arcadia, bad));
        }
        // a name taken by any account, of this State, another State or the secretariat
        for (String taken : List.of("arcadia-system", "borealia-system", "secretariat-admin")) {
            assertRefused(Refusal.Reason.CONFLICT, () -> desk.addSystemAccount(arcadia, taken));
        }
        assertThat(Files.readString(registryFile)).isEqualTo(before);
        assertThat(desk.stateHistory(arcadia)).hasSize(history);
        // refused by the secretariat: nothing is added, and the name is free again
        Change refused = desk.addSystemAccount(arcadia, "arcadia-refused-system").change();
        desk.refuse(secretariatAdmin(), refused.id(), "not a system we know");
        assertThat(exchange.server().registry().current().account("arcadia-refused-system")).isEmpty();
        assertThat(Files.readString(registryFile)).isEqualTo(before);
    }

    @Test
    void aCertificateSignedForANewSystemAccountEnablesItOnlyOnceApproved() throws Exception {
        Caller borealia = as("borealia-officer");
        desk.approve(secretariatAdmin(), desk.addSystemAccount(borealia, "borealia-gateway").change().id());
        Path key = tmp.resolve("gateway.key.pem");
        Path csr = tmp.resolve("gateway.csr.pem");
        Processes.Result r = Processes.run(tmp, List.of("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=borealia-gateway"));
        assertThat(r.exitCode()).as(r.output()).isZero();
        DelegatedAdministration.Outcome signed = desk.signCertificateRequest(borealia, "borealia-gateway", Files.readString(csr));
        assertThat(signed.change().status()).isEqualTo("pending");
        assertThat(account("borealia-gateway").disabled()).isTrue();
        desk.approve(secretariatAdmin(), signed.change().id());
        assertThat(account("borealia-gateway").disabled()).isFalse();
        assertThat(account("borealia-gateway").certificates()).hasSize(1);
        assertThat(account("borealia-gateway").certificates().get(0).certificate().getSubjectX500Principal().getName())
                .isEqualTo("CN=borealia-gateway,O=BOR");
    }

    @Test
    void aSuspendedSystemIsNotEnabledByANewKeyOnlyByAReinstatementTheSecretariatApproves() throws Exception {
        Caller arcadia = as("arcadia-officer");
        desk.approve(secretariatAdmin(), desk.addSystemAccount(arcadia, "arcadia-relay").change().id());
        String first = sshKeyLine("Ed25519", 0, "relay-1");
        desk.registerSshKey(arcadia, "arcadia-relay", first);
        assertThat(account("arcadia-relay").disabled()).isFalse();
        desk.suspend(arcadia, "arcadia-relay");
        assertThat(account("arcadia-relay").disabled()).isTrue();
        // every key removed, a new one registered: still suspended (a new key is not a way round the reinstatement policy)
        desk.removeSshKey(arcadia, "arcadia-relay", account("arcadia-relay").sshKeys().get(0).fingerprint());
        desk.registerSshKey(arcadia, "arcadia-relay", sshKeyLine("Ed25519", 0, "relay-2"));
        assertThat(account("arcadia-relay").disabled()).isTrue();

        DelegatedAdministration.Outcome reinstated = desk.reinstate(arcadia, "arcadia-relay");
        assertThat(reinstated.change().status()).isEqualTo("pending"); // access given back waits for the secretariat by default
        assertThat(reinstated.change().action()).isEqualTo("reinstate");
        assertThat(account("arcadia-relay").disabled()).isTrue();
        assertRefused(Refusal.Reason.CONFLICT, () -> desk.reinstate(arcadia, "arcadia-relay")); // once pending, not twice
        assertThat(desk.pending(secretariatOfficer())).extracting(Change::id).contains(reinstated.change().id());
        Change approved = desk.approve(secretariatAdmin(), reinstated.change().id());
        assertThat(approved.decidedBy()).isEqualTo("secretariat-admin");
        assertThat(account("arcadia-relay").disabled()).isFalse();
        assertThat(desk.stateHistory(arcadia)).anySatisfy(c -> {
            assertThat(c.id()).isEqualTo(reinstated.change().id());
            assertThat(c.requestedBy()).isEqualTo("arcadia-officer");
            assertThat(c.status()).isEqualTo("applied");
        });
        // the secretariat can undo it: suspended again
        desk.undo(secretariatAdmin(), reinstated.change().id());
        assertThat(account("arcadia-relay").disabled()).isTrue();
    }

    @Test
    void aRefusedReinstatementChangesNothing() throws Exception {
        Caller arcadia = as("arcadia-officer");
        Caller borealia = as("borealia-officer");
        desk.approve(secretariatAdmin(), desk.addSystemAccount(borealia, "borealia-archive").change().id());
        desk.registerSshKey(borealia, "borealia-archive", sshKeyLine("Ed25519", 0, "archive"));
        desk.suspend(borealia, "borealia-archive");
        // a system awaiting its first key and an invited person not yet enrolled have nothing to log in with
        desk.approve(secretariatAdmin(), desk.addSystemAccount(arcadia, "arcadia-unkeyed").change().id());
        desk.approve(secretariatAdmin(), desk.invite(arcadia, "arcadia-invitee").change().id());

        String before = Files.readString(registryFile);
        int arcadiaHistory = desk.stateHistory(arcadia).size();
        int borealiaHistory = desk.stateHistory(borealia).size();
        assertRefused(Refusal.Reason.NOT_FOUND, () -> desk.reinstate(arcadia, "borealia-archive")); // another State's
        assertRefused(Refusal.Reason.CONFLICT, () -> desk.reinstate(arcadia, "arcadia-system")); // not suspended
        assertRefused(Refusal.Reason.CONFLICT, () -> desk.reinstate(arcadia, "arcadia-unkeyed"));
        assertRefused(Refusal.Reason.CONFLICT, () -> desk.reinstate(arcadia, "arcadia-invitee"));
        assertRefused(Refusal.Reason.NOT_FOUND, () -> desk.reinstate(arcadia, null));
        assertRefused(Refusal.Reason.FORBIDDEN, () -> desk.reinstate(as("arcadia-system"), "arcadia-unkeyed"));
        assertThat(Files.readString(registryFile)).isEqualTo(before);
        assertThat(desk.stateHistory(arcadia)).hasSize(arcadiaHistory);
        assertThat(desk.stateHistory(borealia)).hasSize(borealiaHistory);
        assertThat(account("borealia-archive").disabled()).isTrue();
    }

    @Test
    void theAuditNamesWhoAskedAndWhoApproved() throws Exception {
        Change c = desk.invite(as("borealia-officer"), "borealia-audited").change();
        desk.approve(secretariatAdmin(), c.id());
        Path out = tmp.resolve("audit.jsonl");
        assertThat(exchange.admin("export-audit", "-o", out.toString())).startsWith("0\n");
        Supplier<List<String>> lines = () -> {
            try {
                return Files.readAllLines(out).stream().filter(l -> l.contains(c.id())).toList();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        assertThat(lines.get()).anySatisfy(l -> assertThat(l).contains("\"type\":\"delegation.request\"").contains("\"actor\":\"borealia-officer\""));
        assertThat(lines.get()).anySatisfy(l -> assertThat(l).contains("\"type\":\"delegation.approve\"").contains("\"actor\":\"secretariat-admin\"")
                .contains("borealia-officer"));
    }

    @Test
    void theSecretariatSuspendsAStateAdministratorWhoThenActsNoMore() throws Exception {
        desk.grantStateAdministrator(secretariatAdmin(), "calvera-officer");
        Caller calvera = as("calvera-officer");
        assertThat(desk.accounts(calvera)).isNotEmpty();
        assertRefused(Refusal.Reason.NOT_FOUND, () -> desk.suspendStateAdministrator(secretariatAdmin(), "calvera-system")); // not an administrator
        desk.suspendStateAdministrator(secretariatAdmin(), "calvera-officer");
        assertThat(account("calvera-officer").disabled()).isTrue();
        assertRefused(Refusal.Reason.FORBIDDEN, () -> desk.suspend(calvera, "calvera-system"));
        assertThat(account("calvera-system").disabled()).isFalse();
    }
}
