package org.treatyexchange.server.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Keys are added to one account as text: comments, layout and other accounts stay as they were. */
class RegistryEditTest {

    static final String YAML = String.join("\n",
            "# the registry",
            "states:",
            "  - code: BOR",
            "    name: Kingdom of Borealia",
            "accounts:",
            "  # the officer",
            "  - name: borealia-officer",
            "    state: BOR",
            "    role: state-officer",
            "    sshKeys:",
            "      - ssh-ed25519 AAAAold officer",
            "",
            "  - name: borealia-system",
            "    state: BOR",
            "    role: state-system",
            "    demoKey: true   # the demo key",
            "",
            "  - name: \"secretariat\"",
            "    role: secretariat",
            "    certificates: []",
            "");

    @Test
    void anAccountWithoutTheListGetsOneAtItsEnd() {
        String out = RegistryEdit.addKeys(YAML, "borealia-system", List.of("ssh-ed25519 AAAAnew system"), List.of(), "note");
        assertThat(out).isEqualTo(YAML.replace("    demoKey: true   # the demo key\n",
                "    demoKey: true   # the demo key\n    sshKeys:\n      # note\n      - \"ssh-ed25519 AAAAnew system\"\n"));
    }

    @Test
    void anExistingBlockListGetsTheEntryAtItsHead() {
        String out = RegistryEdit.addKeys(YAML, "borealia-officer", List.of("ssh-ed25519 AAAAnew officer"), List.of(), "note");
        assertThat(out).contains("    sshKeys:\n      # note\n      - \"ssh-ed25519 AAAAnew officer\"\n      - ssh-ed25519 AAAAold officer\n");
        assertThat(out.replace("      # note\n      - \"ssh-ed25519 AAAAnew officer\"\n", "")).isEqualTo(YAML);
    }

    @Test
    void anEmptyFlowListBecomesABlockListAndPemIsQuoted() {
        String pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        String out = RegistryEdit.addKeys(YAML, "secretariat", List.of(), List.of(pem), "note");
        assertThat(out).contains("    certificates:\n      # note\n      - pem: \"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n\"\n");
    }

    @Test
    void formsItCannotEditSafelyAndUnknownAccountsAreRefused() {
        String flow = YAML.replace("    sshKeys:\n      - ssh-ed25519 AAAAold officer", "    sshKeys: [ \"ssh-ed25519 AAAAold officer\" ]");
        assertThatThrownBy(() -> RegistryEdit.addKeys(flow, "borealia-officer", List.of("ssh-ed25519 AAAAx"), List.of(), "note"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("by hand");
        assertThatThrownBy(() -> RegistryEdit.addKeys(YAML, "borealia", List.of("ssh-ed25519 AAAAx"), List.of(), "note"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'borealia' is not in");
        // a State's code is not an account, even where it follows "- "
        assertThatThrownBy(() -> RegistryEdit.addKeys(YAML, "BOR", List.of("ssh-ed25519 AAAAx"), List.of(), "note"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRevocationIsAddedToTheAccountsRevokedCertificatesAndAFlowListOfPlainValuesBecomesABlockList() {
        String fp = "a".repeat(64);
        String out = RegistryEdit.revokeCertificate(YAML, "borealia-system", fp, "revoked by x");
        assertThat(out).isEqualTo(YAML.replace("    demoKey: true   # the demo key\n",
                "    demoKey: true   # the demo key\n    revokedCertificates:\n      # revoked by x\n      - \"" + fp + "\"\n"));
        String withFlow = YAML.replace("    demoKey: true   # the demo key\n", "    demoKey: true   # the demo key\n    revokedCertificates: [" + "b".repeat(64)
                + "]\n");
        String again = RegistryEdit.revokeCertificate(withFlow, "borealia-system", fp, "note");
        assertThat(again).contains("    revokedCertificates:\n      # note\n      - \"" + fp + "\"\n      - " + "b".repeat(64) + "\n");
    }

    @Test
    void aKeyIsRemovedByWhatItIsAndAnEmptiedListStaysAList() {
        String two = YAML.replace("      - ssh-ed25519 AAAAold officer", "      - ssh-ed25519 AAAAold officer\n      - \"ssh-ed25519 AAAAsecond officer\"");
        String out = RegistryEdit.removeSshKey(two, "borealia-officer", line -> line.equals("ssh-ed25519 AAAAsecond officer"));
        assertThat(out).isEqualTo(YAML);
        String none = RegistryEdit.removeSshKey(YAML, "borealia-officer", line -> line.startsWith("ssh-ed25519 AAAAold"));
        assertThat(none).contains("    sshKeys: []\n\n  - name: borealia-system");
        // the demo key is not in the file: refused, nothing to edit
        assertThatThrownBy(() -> RegistryEdit.removeSshKey(YAML, "borealia-system", line -> true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("by hand");
    }

    @Test
    void aDelegatedAccountIsAppendedAndItsPropertiesSetWithoutTouchingTheOthers() {
        String added = RegistryEdit.addAccount(YAML, "borealia-clerk", "BOR", "state-officer",
                List.<String[]>of(new String[] {"disabled", "true"}), "invited by borealia-officer");
        assertThat(added).isEqualTo(YAML.replace("    certificates: []\n", "    certificates: []\n\n  # invited by borealia-officer\n"
                + "  - name: \"borealia-clerk\"\n    state: \"BOR\"\n    role: state-officer\n    disabled: true\n"));
        String enabled = RegistryEdit.setProperty(added, "borealia-clerk", "disabled", "false");
        assertThat(enabled).isEqualTo(added.replace("    disabled: true\n", "    disabled: false\n"));
        String suspended = RegistryEdit.setProperty(YAML, "borealia-officer", "disabled", "true");
        assertThat(suspended).isEqualTo(YAML.replace("      - ssh-ed25519 AAAAold officer\n",
                "      - ssh-ed25519 AAAAold officer\n    disabled: true\n"));
    }

    @Test
    void aRemovedAccountIsPutBackAsItWasWritten() {
        String block = RegistryEdit.accountBlock(YAML, "borealia-officer");
        assertThat(block).isEqualTo("  - name: borealia-officer\n    state: BOR\n    role: state-officer\n    sshKeys:\n"
                + "      - ssh-ed25519 AAAAold officer");
        String removed = RegistryEdit.removeAccount(YAML, "borealia-officer");
        assertThat(removed).doesNotContain("borealia-officer").contains("borealia-system", "secretariat");
        String restored = RegistryEdit.restoreAccount(removed, block, "undone");
        assertThat(RegistryEdit.accountBlock(restored, "borealia-officer")).isEqualTo(block);
    }

    @Test
    void anUndoneRevocationLeavesTheOtherRevocations() {
        String a = "a".repeat(64);
        String b = "b".repeat(64);
        String revoked = RegistryEdit.revokeCertificate(RegistryEdit.revokeCertificate(YAML, "borealia-system", a, "one"), "borealia-system",
                b, "two");
        String undone = RegistryEdit.unrevokeCertificate(revoked, "borealia-system", a);
        assertThat(undone).contains("\"" + b + "\"").doesNotContain(a);
        assertThatThrownBy(() -> RegistryEdit.unrevokeCertificate(undone, "borealia-system", a)).isInstanceOf(IllegalArgumentException.class);
    }
}
