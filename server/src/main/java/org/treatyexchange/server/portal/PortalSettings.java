package org.treatyexchange.server.portal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the portal listener needs, validated by the configuration loader.
 *
 * @param bind listen address
 * @param port TCP port, 0 for any free one
 * @param maxHeaderBytes request line plus headers
 * @param maxFormBytes largest request body accepted (url-encoded forms); larger ones get 413
 * @param readTimeout a request must arrive in full within this
 * @param executorThreads threads that call the application layer and render pages, off the event loop
 * @param tlsProtocols offered TLS versions (the API's)
 * @param cipherSuites offered suites (the API's)
 */
public record PortalSettings(String bind, int port, int maxHeaderBytes, int maxFormBytes, Duration readTimeout, int executorThreads,
        List<String> tlsProtocols, List<String> cipherSuites) {

    public PortalSettings {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(readTimeout, "readTimeout");
        tlsProtocols = List.copyOf(tlsProtocols);
        cipherSuites = List.copyOf(cipherSuites);
        if (executorThreads < 1) {
            throw new IllegalArgumentException("executorThreads must be at least 1");
        }
    }
}
