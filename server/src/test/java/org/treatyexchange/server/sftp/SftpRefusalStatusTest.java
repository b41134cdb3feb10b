package org.treatyexchange.server.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.SftpVersionSelector;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.application.Refusal;

/**
 * A refusal's SFTP status is one the negotiated version defines: a version-3 client (OpenSSH, PuTTY,
 * WinSCP) never gets a code that came with version 4, 5 or 6; the message carries the reason code either way.
 */
class SftpRefusalStatusTest {

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass();

    static SftpException refusedUpload(int version, String path) throws Exception {
        try (ClientSession s = exchange.login("arcadia-officer");
                SftpClient sftp = SftpClientFactory.instance().createSftpClient(s, SftpVersionSelector.fixedVersionSelector(version))) {
            assertThat(sftp.getVersion()).isEqualTo(version);
            SftpException[] refused = new SftpException[1];
            assertThatThrownBy(() -> {
                try (OutputStream out = sftp.write(path)) {
                    out.write("refused".getBytes(StandardCharsets.UTF_8));
                }
            }).isInstanceOfSatisfying(SftpException.class, e -> refused[0] = e);
            return refused[0];
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5, 6})
    void aBadNameIsInvalidFilenameOnlyWhereTheVersionHasIt(int version) throws Exception {
        SftpException e = refusedUpload(version, "/submit/annual-report/states-parties/x\u202e.pdf");
        assertThat(e.getStatus()).isEqualTo(version >= 6 ? SftpConstants.SSH_FX_INVALID_FILENAME : SftpConstants.SSH_FX_FAILURE);
        assertThat(e.getMessage()).startsWith("invalid-name: ");
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 6})
    void aMissingPeriodIsInvalidParameterOnlyWhereTheVersionHasIt(int version) throws Exception {
        SftpException e = refusedUpload(version, "/submit/national-report/states-parties/no-period.pdf");
        assertThat(e.getStatus()).isEqualTo(version >= 6 ? SftpConstants.SSH_FX_INVALID_PARAMETER : SftpConstants.SSH_FX_FAILURE);
        assertThat(e.getMessage()).startsWith("invalid-period: a national report needs a period");
    }

    @Test
    void everyReasonMapsToAStatusEveryVersionCanShow() {
        for (Refusal.Reason reason : Refusal.Reason.values()) {
            int preferred = SafeStatus.status(reason);
            assertThat(SafeStatus.forVersion(preferred, 3)).as(reason.code()).isBetween(SftpConstants.SSH_FX_OK + 1, SftpConstants.SSH_FX_OP_UNSUPPORTED);
            assertThat(SafeStatus.forVersion(preferred, 6)).as(reason.code()).isEqualTo(preferred);
        }
        assertThat(SafeStatus.forVersion(SftpConstants.SSH_FX_QUOTA_EXCEEDED, 4)).isEqualTo(SftpConstants.SSH_FX_FAILURE);
        assertThat(SafeStatus.forVersion(SftpConstants.SSH_FX_QUOTA_EXCEEDED, 5)).isEqualTo(SftpConstants.SSH_FX_QUOTA_EXCEEDED);
        assertThat(SafeStatus.forVersion(SftpConstants.SSH_FX_NO_SUCH_PATH, 3)).isEqualTo(SftpConstants.SSH_FX_NO_SUCH_FILE);
        assertThat(SafeStatus.forVersion(SftpConstants.SSH_FX_FILE_IS_A_DIRECTORY, 3)).isEqualTo(SftpConstants.SSH_FX_FAILURE);
    }
}
