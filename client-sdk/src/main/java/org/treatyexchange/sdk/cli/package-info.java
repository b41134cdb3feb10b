/**
 * The command-line tool of national systems ({@code scripts/exchange}): {@link org.treatyexchange.sdk.cli.ExchangeCli}
 * and its configuration file. Built on {@link org.treatyexchange.sdk.ExchangeClient}; everything else is
 * package-private.
 */
package org.treatyexchange.sdk.cli;
