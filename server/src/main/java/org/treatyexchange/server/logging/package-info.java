/** Log output for the secretariat's SIEM: JSON log lines and audit events forwarded to syslog (RFC 5424 over TCP/TLS). */
package org.treatyexchange.server.logging;
