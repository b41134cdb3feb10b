package org.treatyexchange.server.sftp;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.List;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.session.SessionContext;
import org.treatyexchange.server.application.Caller;
import org.treatyexchange.server.application.SecretariatDesk;
import org.treatyexchange.server.application.StateDesk;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.registry.StateEntry;

/** Gives each authenticated session its own virtual tree, built from the caller fixed at login. */
final class DropBoxFileSystemFactory implements FileSystemFactory {

    private final DropBoxProvider provider = new DropBoxProvider();
    private final RegistryService registry;
    private final StateDesk states;
    private final SecretariatDesk secretariat;
    private final SftpSettings settings;

    DropBoxFileSystemFactory(RegistryService registry, StateDesk states, SecretariatDesk secretariat, SftpSettings settings) {
        this.registry = registry;
        this.states = states;
        this.secretariat = secretariat;
        this.settings = settings;
    }

    @Override
    public Path getUserHomeDir(SessionContext session) {
        return null; // the tree's root is the home
    }

    @Override
    public FileSystem createFileSystem(SessionContext session) throws IOException {
        Caller caller = session.getAttribute(SftpService.IDENTITY);
        if (caller == null) {
            throw DropBoxException.denied("not authenticated");
        }
        if (caller.isSecretariat()) {
            List<String> states = registry.current().states().stream().map(StateEntry::code).sorted().toList();
            return new DropBoxFileSystem(provider, new SecretariatTree(caller, secretariat, states));
        }
        return new DropBoxFileSystem(provider, new StateTree(caller, states, settings.reportTypes()));
    }
}
