package org.treatyexchange.server.sftp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the SFTP listener needs from the configuration, already validated.
 *
 * @param bind                  address to listen on
 * @param port                  port, 0 for an ephemeral one
 * @param hostKeyFiles          Ed25519 and RSA host key files (created on first start)
 * @param authTimeout           time allowed to authenticate
 * @param idleTimeout           idle time before an authenticated session is closed
 * @param maxUnauthenticated    connections allowed at once before authentication
 * @param maxSessionsPerAccount concurrent sessions per account
 * @param maxOpenHandles        open handles per session
 * @param maxFileNameBytes      maximum UTF-8 length of an uploaded file's name
 * @param kex                   key exchange algorithms, in preference order
 * @param ciphers               ciphers, in preference order
 * @param macs                  MACs, in preference order
 * @param signatures            host key and public key signature algorithms, in preference order
 * @param reportTypes           report type ids, one drop folder each
 * @param lockoutMaxFailures    failed logins (connections) that lock out a source address or account name
 * @param lockoutWindow         how far back failed logins count
 * @param lockoutDuration       how long a lockout lasts
 * @param passwordAuthentication whether password authentication is offered (to accounts with a password hash)
 * @param maxUnauthenticatedPerSource connections from one source address allowed at once before authentication
 * @param connectionsPerSecondPerSource new connections accepted from one source address per second, sustained
 * @param connectionBurstPerSource new connections accepted from one source address at once before that rate applies
 */
public record SftpSettings(
        String bind,
        int port,
        List<Path> hostKeyFiles,
        Duration authTimeout,
        Duration idleTimeout,
        int maxUnauthenticated,
        int maxSessionsPerAccount,
        int maxOpenHandles,
        int maxFileNameBytes,
        List<String> kex,
        List<String> ciphers,
        List<String> macs,
        List<String> signatures,
        List<String> reportTypes,
        int lockoutMaxFailures,
        Duration lockoutWindow,
        Duration lockoutDuration,
        boolean passwordAuthentication,
        int maxUnauthenticatedPerSource,
        int connectionsPerSecondPerSource,
        int connectionBurstPerSource) {

    public SftpSettings {
        hostKeyFiles = List.copyOf(hostKeyFiles);
        kex = List.copyOf(kex);
        ciphers = List.copyOf(ciphers);
        macs = List.copyOf(macs);
        signatures = List.copyOf(signatures);
        reportTypes = List.copyOf(reportTypes);
    }
}
