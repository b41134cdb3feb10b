package org.treatyexchange.server.messages;

/**
 * The authenticated party of an HTTPS request.
 *
 * @param account                the registry account whose certificate the client presented
 * @param state                  its State's ISO code, or null for the secretariat
 * @param secretariat            whether this is a secretariat account
 * @param certificateFingerprint SHA-256 of the client certificate (DER), lower-case hex
 * @param source                 remote address
 */
public record ApiClient(String account, String state, boolean secretariat, String certificateFingerprint, String source) {
}
