package org.treatyexchange.server.sftp;

/**
 * Who an SFTP session is, fixed at authentication: the account, its State (null for the secretariat),
 * the fingerprint of the key actually proven (or {@code password} after a password login), and the remote address.
 */
record SessionIdentity(String account, String state, boolean secretariat, String keyFingerprint, String source) {
}
