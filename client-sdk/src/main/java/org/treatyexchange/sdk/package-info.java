/**
 * The Treaty Exchange client SDK for national systems: {@link org.treatyexchange.sdk.ClientKeys} (the
 * State system's key and certificate), {@link org.treatyexchange.sdk.CmsSigner} (CMS SignedData that
 * openssl and the exchange verify), {@link org.treatyexchange.sdk.ReceiptVerifier} (believe only what
 * the exchange's receipt key signed) and {@link org.treatyexchange.sdk.MessageClient} (the
 * signed-message channel over mutual TLS). Wire formats live in {@link org.treatyexchange.sdk.wire};
 * no Bouncy Castle type appears in this API.
 */
package org.treatyexchange.sdk;
