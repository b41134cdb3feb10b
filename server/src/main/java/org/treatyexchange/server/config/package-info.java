/**
 * Loads {@code config/server.yaml} into the immutable, validated {@link
 * org.treatyexchange.server.config.ServerConfig}. Every problem is a {@link
 * org.treatyexchange.server.config.ConfigException} naming the file, the dotted key and the fix,
 * raised at start-up, never at first use.
 */
package org.treatyexchange.server.config;
