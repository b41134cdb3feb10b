package org.treatyexchange.sdk.wire;

/**
 * One document announced by an {@link Envelope} or carried by an {@link InboxItem}: what the
 * receiver must check the bytes against.
 *
 * @param name      file name: 1 to 255 bytes of UTF-8, Unicode NFC, no {@code /}, {@code \}, control
 *                  characters, not {@code .} or {@code ..}
 * @param size      size in bytes, not negative
 * @param sha256    SHA-256 of the bytes, 64 lower-case hex digits
 * @param mediaType media type {@code type/subtype} (RFC 9110 tokens, no parameters), e.g. {@code application/pdf}
 */
public record DocumentInfo(String name, long size, String sha256, String mediaType) {

    /** @throws IllegalArgumentException naming the first rule the values break */
    public DocumentInfo {
        Rules.documentName("document name", name);
        Rules.size("document size", size);
        Rules.sha256("document sha256", sha256);
        Rules.mediaType("document mediaType", mediaType);
    }
}
