package org.treatyexchange.server.monitoring;

/**
 * One readiness condition (database, blob store, free space, keystore): {@code null} when it holds, else
 * a short problem safe to show the monitoring agent (no host path, no secret).
 */
@FunctionalInterface
public interface HealthCheck {
    String problem() throws Exception;
}
