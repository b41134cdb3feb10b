/**
 * Routing: pure logic from a filing and the registry's instructions to a
 * {@link org.treatyexchange.server.routing.DistributionPlan}. No I/O, no clock, no logging: the
 * caller passes the registry snapshot, the report type's configured default and today's date, so
 * every rule is decided by a table-driven test.
 *
 * <p>Public surface: {@link org.treatyexchange.server.routing.Router#plan} with its value types
 * {@link org.treatyexchange.server.routing.RoutingRequest}, {@link org.treatyexchange.server.routing.Declaration},
 * {@link org.treatyexchange.server.routing.ReleasePolicy} and {@link org.treatyexchange.server.routing.DistributionPlan};
 * {@link org.treatyexchange.server.routing.ReportingPeriods#problem} and
 * {@link org.treatyexchange.server.routing.Deadlines#dueDate}. Everything else is package-private.
 *
 * <p>Routing fails closed: whatever is unknown, ambiguous or malformed yields a plan for the
 * secretariat only, marked for review, with reasons a reviewer can act on. The router never throws
 * for bad data; only a null argument (a programming error) throws.
 */
package org.treatyexchange.server.routing;
