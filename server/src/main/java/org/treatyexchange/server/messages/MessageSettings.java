package org.treatyexchange.server.messages;

import java.time.Duration;
import java.util.Set;

/**
 * The message rules that come from configuration.
 *
 * @param clockSkew        how far created-at may be from the server's clock, either way
 * @param maxEnvelopeBytes largest signed envelope (CMS) accepted
 * @param maxDocuments     most documents one message may carry
 * @param maxDocumentBytes largest single document
 * @param reportTypes      the configured report type ids
 */
public record MessageSettings(Duration clockSkew, int maxEnvelopeBytes, int maxDocuments, long maxDocumentBytes, Set<String> reportTypes) {
    public MessageSettings {
        reportTypes = Set.copyOf(reportTypes);
    }
}
