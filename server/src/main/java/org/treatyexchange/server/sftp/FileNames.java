package org.treatyexchange.server.sftp;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * The rules a new document's name must follow. Names are stored as given (after NFC), never
 * interpreted: so anything that could be read as a path, a control sequence or a look-alike trick
 * is refused rather than cleaned up.
 */
final class FileNames {

    private FileNames() {
    }

    /**
     * Returns the NFC form of a name, or throws {@link DropBoxException} with reason INVALID_NAME.
     *
     * @param maxBytes maximum length of the name in UTF-8 bytes
     */
    static String validate(String name, int maxBytes) throws DropBoxException {
        if (name == null || name.isEmpty()) {
            throw DropBoxException.invalidName("the file name is empty");
        }
        String nfc = Normalizer.normalize(name, Normalizer.Form.NFC);
        if (nfc.equals(".") || nfc.equals("..")) {
            throw DropBoxException.invalidName("'.' and '..' are not file names");
        }
        if (nfc.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw DropBoxException.invalidName("the file name is longer than " + maxBytes + " bytes");
        }
        if (!nfc.strip().equals(nfc)) {
            throw DropBoxException.invalidName("the file name starts or ends with white space");
        }
        for (int i = 0; i < nfc.length(); ) {
            int cp = nfc.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '/' || cp == '\\') {
                throw DropBoxException.invalidName("the file name contains a path separator");
            }
            if (Character.isISOControl(cp)) {
                throw DropBoxException.invalidName("the file name contains a control character");
            }
            // bidirectional overrides and isolates make a name display differently from what it is
            if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F) {
                throw DropBoxException.invalidName("the file name contains a text-direction control character");
            }
            if (cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB) || Character.getType(cp) == Character.UNASSIGNED
                    || Character.getType(cp) == Character.SURROGATE || Character.getType(cp) == Character.PRIVATE_USE) {
                throw DropBoxException.invalidName("the file name contains an invisible, unassigned or private-use character");
            }
        }
        return nfc;
    }
}
