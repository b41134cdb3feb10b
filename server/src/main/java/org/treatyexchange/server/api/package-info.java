/**
 * The HTTPS edge of the signed-message channel (Netty 4.2, NIO): {@link
 * org.treatyexchange.server.api.ApiServer} and {@link org.treatyexchange.server.api.ApiSettings} are
 * the whole public surface; the contract is {@code api/openapi.yaml}.
 *
 * <p>Pipeline per connection: {@code SslHandler} (JDK provider, TLS 1.3/1.2, forward-secret AEAD,
 * client certificate required, validity-only trust; handshake timeout = read timeout) →
 * {@code HttpServerCodec} (request line 4096, headers {@code maxHeaderBytes}, chunks of 8 KiB; no
 * aggregator, no decompressor) → {@code ClientConnections.Handler} (at most {@code maxConnectionsPerClient}
 * connections per certificate fingerprint; one more gets 429) → {@code RequestDeadline} (a body must
 * arrive at {@code minDataRateBytesPerSecond} on average after a grace of {@code readTimeout}, else 408)
 * → {@code RateLimitHandler} (token bucket per certificate fingerprint) → {@code ApiHandler} (routing,
 * limits, timeouts, gateway calls on the executor).
 *
 * <p>Threading model:
 * <table>
 * <caption>Threads of the HTTPS edge</caption>
 * <tr><th>thread or pool</th><th>runs</th><th>must never</th></tr>
 * <tr><td>{@code api-accept} (1) and {@code api-io} (2) event loops</td><td>TLS, HTTP decoding,
 * routing, rate limiting, buffering envelopes (at most {@code maxEnvelopeBytes}), writing replies,
 * timers</td><td>block: no gateway call, no disk, no database</td></tr>
 * <tr><td>{@code api-worker} ({@code executorThreads}, bounded queue; {@code Admission}
 * keeps at most twice as many requests in flight, the rest wait unread or are answered 503 from their head)</td><td>every
 * {@code MessageGateway} call, multipart parsing and document streaming of one chunk at a time</td>
 * <td>run two tasks of one connection at once (the handler submits the next only after the
 * previous completed), touch the channel other than through {@code ctx.executor().execute}</td></tr>
 * </table>
 * One short monitor: {@code Admission}'s count and queue (a few field updates, never blocking).
 * Otherwise no locks: per-connection state lives on its event loop; the rate limiter's buckets are
 * individually synchronized and never block; connections per certificate are counted in a concurrent map
 * (an atomic compute per handshake and per close); the upload of a request is handed between the event
 * loop and one worker at a time with a happens-before on each hand-off.
 */
package org.treatyexchange.server.api;
