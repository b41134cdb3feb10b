/**
 * The Treaty Exchange client SDK for national systems. Start with {@link org.treatyexchange.sdk.ExchangeClient}:
 * one facade for SFTP filing with receipts ({@link org.treatyexchange.sdk.FilingRequest},
 * {@link org.treatyexchange.sdk.FilingResult}), signed messages, the inbound queue, distributed downloads
 * and offline verification, with retries ({@link org.treatyexchange.sdk.RetryPolicy}). Keys:
 * {@link org.treatyexchange.sdk.SshIdentity} (OpenSSH or PEM, for SFTP), {@link org.treatyexchange.sdk.KeyGenerator}
 * (new keys, certificate and request for registration). Underneath: {@link org.treatyexchange.sdk.ClientKeys} (the
 * State system's key and certificate), {@link org.treatyexchange.sdk.CmsSigner} (CMS SignedData that
 * openssl and the exchange verify), {@link org.treatyexchange.sdk.ReceiptVerifier} (believe only what
 * the exchange's receipt key signed) and {@link org.treatyexchange.sdk.MessageClient} (the
 * signed-message channel over mutual TLS). Wire formats live in {@link org.treatyexchange.sdk.wire};
 * no Bouncy Castle type appears in this API.
 */
package org.treatyexchange.sdk;
